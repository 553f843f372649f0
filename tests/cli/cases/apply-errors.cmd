# every error at once, with its line, before libvirt is asked
printf '[share vm1 data]\ncache = sometimes\n\n[sahre vm1 x]\n\n[hugepages 2M]\n' > site.ini
virtshare -c test:///nonexistent/node.xml apply site.ini
