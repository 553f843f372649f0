# the same as JSON (schema 1)
virtshare --demo shares build --json
