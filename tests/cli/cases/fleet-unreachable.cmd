# A host that cannot be reached is said and skipped; the others are
# planned; the exit status is 4
printf '[host gone]\nuri = test:///nonexistent/node.xml\n[host here]\nuri = test:///default\n[share here/test data]\ndir = /\n[share gone/test data]\ndir = /\n' > fleet.ini
virtshare apply fleet.ini --json | jq -c '[.schema, .status, .applied, (.hosts[] | [.name, .reached, (.error.code // null), [.parts[] | .domain, .result]])]'
