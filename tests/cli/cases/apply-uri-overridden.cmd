# -c wins over the file's uri
printf '[host]\nuri = test:///nonexistent/node.xml\n' > site.ini
virtshare -c test:///default apply site.ini --dry-run
