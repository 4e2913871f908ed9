// A node exporter: reads /proc and /sys, serves /metrics on an inherited socket.
default kill;
allow @default, @io_event;
allow openat(flags & O_ACCMODE == O_RDONLY), read, pread64, close, fstat, newfstatat, getdents64, readlinkat;
allow accept4(sockfd == 3), recvfrom, sendto, write, writev, shutdown;
allow statfs, fstatfs, uname, sysinfo, mmap, munmap, brk;
