# undo and its options
virtshare undo --help
