# options alone through libvirt's test driver: vm3's 'build' (libvirt runs
# its daemon) gets a daemon path; 'logs', served by virtshare-fsd, gets a
# cache mode in virtshare's record and its daemon (re)started; another
# share option of 'logs' changes only its <filesystem>
cp -r "$DATA/hosts/laptop" host && chmod -R u+w host && mkdir -p host/srv/build host/srv/data
export VIRTSHARE_RUNDIR=$PWD/run
virtshare --root host -c test://$DATA/apply/node.xml share vm3 --tag build --binary /usr/libexec/virtiofsd --yes | sed 's|backups/[^ ]*/vm3/[0-9]*\.xml|backups/URI/vm3/NNNNNN.xml|'
virtshare --root host -c test://$DATA/apply/node.xml share vm3 --tag logs --cache always --dry-run
virtshare --root host -c test://$DATA/apply/node.xml share vm3 --tag logs --queue 512 --dry-run
