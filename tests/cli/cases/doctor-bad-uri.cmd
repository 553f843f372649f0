virtshare -c nosuchdriver:///x doctor
