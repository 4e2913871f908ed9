default allow;
// Tests install a SIGSYS handler to see which forbidden calls the code makes.
trap socket(domain == AF_NETLINK), keyctl, add_key, request_key;
