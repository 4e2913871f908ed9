arch x86_64, aarch64;
// Syscalls missing on one arch (open, stat, fork on aarch64) are skipped there.
default errno(ENOSYS);
allow open(flags & O_ACCMODE == O_RDONLY), openat(flags & O_ACCMODE == O_RDONLY);
allow stat, lstat, newfstatat, fstat, fork, vfork, clone, wait4, execve;
allow read, write, close, exit_group, rt_sigreturn, restart_syscall;
allow openat(flags & O_DIRECTORY != 0), getdents64;     // O_DIRECTORY differs per arch
