# libvirt's 'never' is not one of ours: none, auto, always
export VIRTSHARE_RUNDIR=$PWD/run
virtshare daemon start vm1 data --dir / --cache never
