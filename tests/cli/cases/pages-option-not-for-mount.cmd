virtshare pages mount 2M --persist
