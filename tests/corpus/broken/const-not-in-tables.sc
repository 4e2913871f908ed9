// expect: S0103 (postgres-backend.sc with a mistake)
// A PostgreSQL backend process serving one client connection.
default kill;
allow @default, @basic_io, @file_system;
allow recvfrom, sendto, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, poll;
allow shmget(flag & IPC_CREAT != 0), mmap, munmap, brk, madvise, shmat, shmdt, shmctl, semop, semtimedop;
allow kill(sig in {SIGUSR1, SIGUSR2, SIGINT, SIGTERM}), getrusage, setitimer;
allow fsync, fdatasync, sync_file_range, fadvise64(advice == POSIX_FADV_WILLNEED);
errno(EACCES) socket(domain != AF_UNIX);
