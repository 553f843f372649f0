# the file's uri is used when -c is not given
printf '[host]\nuri = test:///nonexistent/node.xml\n' > site.ini
virtshare apply site.ini --dry-run
