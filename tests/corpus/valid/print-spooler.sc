// Print spooler: queue directory, a USB printer device, the local socket.
default errno(EACCES);
allow @default, @basic_io;
allow openat, mkdirat(mode == 0o700), unlinkat, renameat, getdents64, fstat, newfstatat, fsync;
allow ioctl(fd > 2 && cmd == 0x5401), socket(domain == AF_UNIX), accept4, recvmsg, sendmsg;
allow mmap, munmap, brk;
