# the running guest example on the demo: its share waits for the next start
virtshare --demo apply "$TEMPLATES/ini/live.ini" --dry-run | sed -n '1,/^$/p;/^At the guests/,/^$/p'
