virtshare apply a.ini b.ini
