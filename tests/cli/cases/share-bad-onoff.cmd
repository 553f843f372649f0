# lock options take on or off (yes or no)
virtshare share vm1 --tag data --dir /srv/data --flock maybe
