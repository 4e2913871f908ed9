// expect: S0001 (web-server-worker.sc with a mistake)
// nginx-style worker process after it has bound its listening sockets and dropped
// privileges: accept, read requests, serve files, write responses, log.
default kill;

const LISTEN = {3, 4};          // port 80 and 443, opened by the master
const LOG = 2;

allow exit_group, rt_sigreturn, restart_syscall
allow accept4(sockfd in LISTEN && flags & SOCK_CLOEXEC != 0);
allow epoll_wait, epoll_pwait, epoll_ctl(op in {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL});
allow read, readv, recvfrom, write, writev, sendfile, close, shutdown;
allow openat(flags & O_ACCMODE == O_RDONLY && flags & O_CREAT == 0), newfstatat, fstat, lseek;
allow setsockopt(level == SOL_SOCKET && optname == SO_KEEPALIVE || level == IPPROTO_TCP && optname == TCP_NODELAY);
allow write(fd == LOG);
allow mmap(prot & PROT_EXEC == 0), munmap, brk, madvise(behavior == MADV_DONTNEED);
allow clock_gettime, gettimeofday, getpid;
