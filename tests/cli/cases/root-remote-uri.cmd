# --root is this machine's tree: with a remote URI it would mix two hosts
virtshare -c qemu+ssh://root@kvm1.example/system --root /srv/tree inspect
