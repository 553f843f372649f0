virtshare --demo doctor --fix --yes
