# the daemon's options and the share's names are refused unless UTF-8
export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start --dir "$(printf '/tmp/\xff')" --socket $PWD/fs.sock
echo "[exit $?]"
virtshare daemon start vm1 "$(printf 'd\xe4ta')" --dir /
echo "[exit $?]"
virtshare daemon start vm1 data --dir / --socket-group "$(printf 'g\xe9')"
echo "[exit $?]"
ls
