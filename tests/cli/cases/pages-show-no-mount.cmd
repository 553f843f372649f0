# pages but no hugetlbfs mount: how to add one
virtshare pages --root "$DATA/hosts/hugepages-no-mount"
