arch x86_64, aarch64;
default errno(EPERM);
include "../lib/process_basics.sc";   include "../lib/memory.sc"; include "../lib/net_consts.sc";
allow @heap, @net_io, socket(domain in INET);
