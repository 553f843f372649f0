virtshare pages --bogus
