// curl-like: resolves a name, connects over TCP, writes the body to stdout.
default kill;
allow @default, @io_event;
allow openat(flags & O_ACCMODE == O_RDONLY), read, close, fstat, newfstatat;   // /etc/hosts, resolv.conf
allow socket(domain in {AF_INET, AF_INET6, AF_UNIX}), connect, getsockopt, setsockopt, getsockname, getpeername;
allow sendto, sendmsg, sendmmsg, recvfrom, recvmsg, write(fd == 1 || fd == 2);
allow mmap, munmap, brk, getrandom, uname;
