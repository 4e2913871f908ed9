// Constants and groups defined in an included file.
default kill;
include "../lib/net_consts.sc";
include "../lib/process_basics.sc";
allow socket(domain in INET && type & SOCK_STREAM != 0), connect, @net_io;
