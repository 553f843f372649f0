# the example files plan on the demo
for f in memfd file hugepages numa external session; do
	virtshare --demo apply "$TEMPLATES/ini/$f.ini" --dry-run > out.txt 2>&1
	echo "$f: exit $? $(grep -c '^  change' out.txt) changes"
done
