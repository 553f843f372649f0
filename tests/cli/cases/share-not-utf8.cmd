# values that are not UTF-8 are refused before anything is written, naming
# the option (the bytes themselves are not echoed)
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data "host/srv/$(printf 'd\xe4ta')"
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag "$(printf 'a\xffb')" --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml vm1.xml --dir "/srv/$(printf 'd\xe4ta')" --tag data --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --alias "$(printf 'ua-\xc0\xaf')" --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --binary "$(printf '/usr/\xef\xbf\xbe')" --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --daemon external --socket-group "$(printf 'g\xe9')" --yes
echo "[exit $?]"
virtshare --root host share "$(printf 'vm\xff')" --xml vm1.xml --dir /srv/data --tag data --yes
echo "[exit $?]"
cmp vm1.xml "$top_srcdir/tests/golden/share-memfd.in.xml" && ls
