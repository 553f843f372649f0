virtshare --root "$DATA/doctor/host" doctor vm --xml "$DATA/doctor/tag-dup.xml"
