// A JVM: JIT pages (write then execute, never both), many threads, sockets.
default errno(EPERM);
allow @default, @basic_io, @memory, @network_io, @io_event, @signal, @timer;
allow mmap(prot & (PROT_WRITE | PROT_EXEC) != (PROT_WRITE | PROT_EXEC));
allow mprotect(prot & (PROT_WRITE | PROT_EXEC) != (PROT_WRITE | PROT_EXEC));
allow clone(clone_flags & CLONE_THREAD != 0), clone3, gettid, tgkill, sched_getaffinity;
allow openat, newfstatat, fstat, statx, readlink, getdents64, getcwd, sysinfo, uname, prctl;
errno(ENOSYS) io_uring_setup;
