virtshare doctor --xml "$DATA/doctor/tag-dup.xml"
