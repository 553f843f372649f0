# --dry-run: the same checks, what the pool would have and the files that
# would keep it, and nothing written; --yes is taken (nothing is asked)
cp -RL "$DATA/hosts/numa-server" h && chmod -R u+w h && cp -R h before
virtshare --root h pages alloc 2M 5000 --dry-run
virtshare --root h pages alloc 2M 16 --node 1 --persist --dry-run
virtshare --root h pages alloc 1G 20 --persist --dry-run --yes
virtshare --root h pages free 2M 100 --dry-run
virtshare --root h pages alloc 2M 99999999 --dry-run
echo "[exit $?]"
diff -r before h && echo "nothing changed"
virtshare --root h pages alloc 2M 4 --add --yes
virtshare --root h pages --yes
