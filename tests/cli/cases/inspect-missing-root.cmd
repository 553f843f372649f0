# a root that does not exist: warnings, not a failure
virtshare inspect --root /nonexistent -c test:///default | sed -n "/^Warnings/,\$p"
