# the shares of the demo guests and whether their memory is shared
virtshare --demo shares build
virtshare --demo shares db
virtshare --demo shares web
