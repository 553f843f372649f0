# --fix without --yes asks; with no terminal it refuses, changing nothing.
cp "$DATA/doctor/tag-dup.xml" vm.xml
sed -i -e 's/tag-dup/vm/' -e '/memoryBacking/,/memoryBacking/d' -e '/<source dir=.\/srv\/build.\/>/,+1d' vm.xml
cp vm.xml before.xml
virtshare --root "$DATA/doctor/host" doctor vm --xml vm.xml --fix < /dev/null > report.txt 2> err.txt
echo "doctor exited $?"
cat err.txt
sed -n '/^The fixes/,$p' report.txt
cmp vm.xml before.xml && echo "vm.xml is unchanged"
