# every kind of file failure has its own words and exit status: a file
# that is not there fails (1); a directory or a file over the 16 MiB a
# domain definition may have is refused (3); nothing is written
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data
truncate -s 20M big.xml
mkdir dir.xml
virtshare --root host share vm1 --xml nothing.xml --dir /srv/data --tag data --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml big.xml --dir /srv/data --tag data --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml dir.xml --dir /srv/data --tag data --yes
echo "[exit $?]"
virtshare shares vm1 --xml big.xml
echo "[exit $?]"
virtshare --root host doctor vm1 --xml big.xml
echo "[exit $?]"
ls
