# the file is the one argument
virtshare apply
