virtshare --bogus inspect
