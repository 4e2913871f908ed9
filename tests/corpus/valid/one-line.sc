default kill; allow read, write(fd == 1), exit_group, rt_sigreturn, restart_syscall; log getpid; errno(EPERM) openat;
