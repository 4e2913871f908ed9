arch x86_64;
// A static file server on port 8080 (listening socket is fd 3), sendfile for bodies.
default kill;
allow exit_group, rt_sigreturn, restart_syscall;
allow accept4(sockfd == 3), close, shutdown(how == SHUT_WR || how == SHUT_RDWR);
allow recvfrom, sendto(flags & MSG_NOSIGNAL != 0), sendfile(count <= 0x7fff_f000);
allow openat(dfd == AT_FDCWD && flags & (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND) == O_RDONLY);
allow fstat, newfstatat, statx, lseek, pread64, epoll_wait, epoll_ctl;
allow mmap(prot & PROT_EXEC == 0), munmap, brk;
