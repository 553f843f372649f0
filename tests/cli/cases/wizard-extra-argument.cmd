virtshare --demo wizard web
