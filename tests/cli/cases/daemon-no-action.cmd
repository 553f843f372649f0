# an action is needed
virtshare daemon
