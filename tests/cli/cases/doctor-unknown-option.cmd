virtshare doctor --frobnicate
