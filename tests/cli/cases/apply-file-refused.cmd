# an INI file over 4 MiB, or a directory, is refused (3), not "not found"
truncate -s 5M big.ini
mkdir dir.ini
virtshare apply big.ini --dry-run
echo "[exit $?]"
virtshare apply dir.ini --dry-run
