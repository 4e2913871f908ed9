// An HTTP server after start-up: it accepts connections, reads files it serves,
// writes responses and logs to stderr. Written in a hurry.
arch x86_64;
const LISTEN_FD = 3;
const LOG_FD = 2;
const SOCK_TYPES = {SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, SOCK_STREAM | SOCK_CLOEXEC};
default kill;
allow exit_group, exit, rt_sigreturn, restart_syscall, @rust_std,
    accept4(sockfd == LISTEN_FD && flags & SOCK_CLOEXEC == SOCK_CLOEXEC), // new clients
    epoll_wait, epoll_pwait, epoll_ctl(op in {EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD}), read,
    recvfrom(flags == 0), sendto(flags & MSG_NOSIGNAL != 0), sendfile, writev,
    shutdown(how == SHUT_RDWR),
    openat(dfd == AT_FDCWD && flags & (O_ACCMODE | O_CREAT | O_TRUNC) == O_RDONLY), fstat,
    newfstatat, close, write(fd == LOG_FD);
errno(EACCES) openat, open, creat; // anything else the document root does not need
errno(ENOSYS) clone3;
errno(EPERM) socket(type not in SOCK_TYPES);
allow socket(domain in {AF_INET, AF_INET6} && type in SOCK_TYPES);
kill execve, execveat;
kill ptrace;
