# a share served by virtshare-fsd: its directory and options from the record
virtshare -c test://$DATA/apply/node.xml shares vm3
virtshare -c test://$DATA/apply/node.xml shares vm3 --json | grep -A4 '"virtshare_fsd": {'
