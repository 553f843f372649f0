virtshare --demo doctor
