// An in-memory key-value server with background save through fork.
default kill;
allow @default, @basic_io, @io_event, @network_io, @memory;
allow fork, wait4(options & WNOHANG != 0), kill(sig == SIGUSR1 || sig == SIGTERM);
allow openat(flags & O_ACCMODE != O_RDONLY || flags & O_CREAT == 0), rename, renameat, unlink, fsync, fdatasync, ftruncate, fstat;
allow prctl(option in {PR_SET_NAME, PR_GET_NAME}), getrusage, sysinfo, uname;
allow clone(clone_flags & CLONE_THREAD == CLONE_THREAD);
errno(ENOSYS) clone3;
