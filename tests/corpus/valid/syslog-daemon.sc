// A syslog daemon: /dev/log datagram socket in, files under /var/log out.
default kill;
allow @default;
allow recvfrom, recvmsg, socket(domain == AF_UNIX && type & SOCK_DGRAM != 0), bind;
allow openat(flags & O_APPEND != 0 || flags & O_ACCMODE == O_RDONLY), write, writev, fsync, close, fstat;
allow rename, renameat, poll, mmap, munmap, brk;
allow rt_sigaction(sig == SIGHUP), rt_sigprocmask;
