virtshare --root "$DATA/doctor/host" doctor vm --xml nosuch.xml
