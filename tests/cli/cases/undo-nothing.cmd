# nothing saved for this domain yet
virtshare -c test:///default undo test --yes
