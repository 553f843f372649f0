# A file of several hosts names its libvirts: -c, --demo, a bad --jobs,
# and --root beside a remote host are refused before anything is reached
printf '[host a]\nuri = qemu+ssh://root@kvm1.example/system\n[host b]\nuri = test:///default\n' > fleet.ini
virtshare -c test:///default apply fleet.ini --dry-run
virtshare --demo apply fleet.ini --dry-run
virtshare apply fleet.ini --jobs 0
virtshare --root /srv/tree apply fleet.ini --dry-run
virtshare doctor --all-hosts fleet.ini web
virtshare doctor --jobs 2
printf '[host]\nuri = test:///default\n' > one.ini
virtshare doctor --all-hosts one.ini
