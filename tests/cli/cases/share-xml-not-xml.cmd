# a file that is not XML
echo "not xml" > vm1.xml
virtshare share vm1 --xml vm1.xml --dir /srv/data --tag data --yes
