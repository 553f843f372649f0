# --dry-run on every daemon action that changes something: what would run,
# with the checks of the real thing, and nothing started, stopped or written
export VIRTSHARE_RUNDIR=$PWD/run VIRTSHARE_CONFDIR=$PWD/conf
export VIRTSHARE_FSD=$top_builddir/tests/unit/fake-fsd
mkdir share
fix() { sed "s|$VIRTSHARE_FSD|FSD|; s/pid [0-9]*/pid N/; s/ $(id -un),/ USER,/"; }
virtshare -c qemu:///session daemon start vm1 data --dir share --cache auto --dry-run | fix
ls
virtshare -c qemu:///session daemon start vm1 data --dir share --cache auto --yes > /dev/null
virtshare daemon stop vm1 data --dry-run | fix
virtshare daemon restart vm1 data --dry-run | fix
virtshare -c qemu:///session daemon install-unit vm1 data --dry-run
ls
virtshare -c qemu:///session daemon start vm1 data --dry-run 2>&1 | fix
echo "[exit ${PIPESTATUS[0]}]"
virtshare daemon status vm1 data --dry-run
echo "[exit $?]"
virtshare daemon stop vm1 data --yes | fix
virtshare daemon stop vm1 data --dry-run
