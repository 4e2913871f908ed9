// expect: S0103 (reverse-proxy.sc with a mistake)
// A reverse proxy: clients in on fd 3, upstream connections out over TCP.
arch x86_64, aarch64;
default kill;
allow @default, @io_event;
allow accept4(sockfd == 3 && flags & SOCK_NONBLOCK != 0);
allow socket(domain in {AF_INET4, AF_INET6} && type & SOCK_STREAM == SOCK_STREAM), connect, getsockopt(optname == SO_ERROR);
allow setsockopt(level in {SOL_SOCKET, IPPROTO_TCP}), getpeername, getsockname;
allow read, write, readv, writev, recvfrom, sendto, splice, pipe2, close, shutdown;
allow mmap, munmap, brk, madvise;
