// expect: S0001 (cron-job.sc with a mistake)
// A nightly cron job: runs /usr/bin/backup-db through a shell, logs, exits.
default kill;
allow @default;
allow execve, wait4, clone(clone_flags & CLONE_NEWUSER == 0), vfork, pipe2, dup2, dup3;
allow openat close, read, write, fstat, newfstatat, lseek, access, faccessat;
allow mmap, mprotect, munmap, brk, arch_prctl, set_tid_address;
allow rt_sigaction, rt_sigprocmask, getcwd, chdir;
log connect;                         // unexpected, but let it run and tell us
