// An authentication agent on a unix socket: no files after start-up, no network.
default kill;
allow @default;
allow accept4, recvmsg, sendmsg, recvfrom, sendto, read, write, close, poll, ppoll;
allow socket(domain == AF_UNIX), bind, listen(backlog <= 128), getsockopt(level == SOL_SOCKET);
allow prctl(option == PR_SET_DUMPABLE && kernel_arg2 == 0);
allow mlockall(flags & MCL_CURRENT != 0), mmap, munmap, brk;
errno(EACCES) openat, open;
