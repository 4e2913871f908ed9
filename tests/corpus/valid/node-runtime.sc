// node.js serving HTTP: libuv thread pool, epoll, eventfd.
default kill;
allow @default, @basic_io, @io_event, @network_io, @signal;
allow mmap, munmap, mprotect, madvise, brk, mremap;
allow clone(clone_flags & CLONE_THREAD != 0), futex, sched_getaffinity, gettid;
allow openat(flags & O_ACCMODE == O_RDONLY), statx, newfstatat, fstat, getdents64, readlink;
allow ioctl(cmd == FIONBIO || cmd == FIOCLEX), prlimit64(pid == 0), getcwd, uname;
errno(ENOSYS) io_uring_setup, io_uring_enter, io_uring_register;
