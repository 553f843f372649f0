virtshare --demo wizard < /dev/null
