# The file's uri wins over $VIRTSHARE_URI, -c wins over the file's uri
# (even when it names the same URI as $VIRTSHARE_URI); a fleet file
# takes $VIRTSHARE_URI being set but refuses -c
printf '[host]\nuri = test:///default\n' > one.ini
printf '[host a]\nuri = test:///default\n' > fleet.ini
VIRTSHARE_URI=test:///nonexistent/node.xml virtshare apply one.ini --json | jq -r .uri
VIRTSHARE_URI=test:///nonexistent/node.xml virtshare -c test:///nonexistent/node.xml apply one.ini --json | jq -r .uri
VIRTSHARE_URI=test:///nonexistent/node.xml virtshare apply fleet.ini --json | jq -c '[.schema, .status]'
VIRTSHARE_URI=test:///default virtshare -c test:///default apply fleet.ini
