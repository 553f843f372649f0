# id ranges are uid|gid:START:TARGET:COUNT
virtshare share vm1 --tag data --dir /srv/data --idmap uid:0:100000
