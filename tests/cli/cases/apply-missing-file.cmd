virtshare apply nothing.ini
