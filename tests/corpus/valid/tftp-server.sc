// A TFTP server: UDP port 69, read-only files under the served directory.
default errno(EPERM);
allow @default;
allow socket(domain == AF_INET && type & 0xf == SOCK_DGRAM), bind, recvfrom, sendto, setsockopt;
allow openat(flags & O_ACCMODE == O_RDONLY), read, fstat, close, poll;
allow mmap, munmap, brk;
log write;
