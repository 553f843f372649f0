virtshare inspect --bogus
