# directories are written and compared in their canonical form: no
# trailing slash, no '.' or '..'; symbolic links stay as given, and a '..'
# after one is refused
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/data host/srv/media
ln -s media host/srv/link
cp "$top_srcdir/tests/golden/share-memfd.in.xml" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data/ --tag data --yes | grep -e 'written as' -e 'New share'
grep "<source dir" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --cache always --yes | grep -e Updated -e 'changed\.'
virtshare --root host share vm1 --xml vm1.xml --dir /srv/./media/../data// --tag data --cache always --yes
virtshare --root host share vm1 --xml vm1.xml --dir /srv/media --tag data --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml vm1.xml --dir /srv/link/../data --tag other --yes
echo "[exit $?]"
virtshare --root host share vm1 --xml vm1.xml --dir /srv/link/ --tag linked --yes | grep 'New share'
# a definition written by hand with a trailing slash
sed -i "s|<source dir='/srv/data'/>|<source dir='/srv/data/'/>|" vm1.xml
virtshare --root host share vm1 --xml vm1.xml --dir /srv/data --tag data --cache none --yes | grep -e Updated -e 'changed\.'
grep "<source dir" vm1.xml
