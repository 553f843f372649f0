# lock options take on or off
virtshare share vm1 --tag data --dir /srv/data --flock yes
