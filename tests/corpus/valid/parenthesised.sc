// Parentheses, needed and not.
default kill;
allow write((fd == 1) || (fd == 2));
allow openat((flags & O_ACCMODE == O_RDONLY) && (dfd == AT_FDCWD || dfd >= 0));
allow mprotect(prot & (PROT_READ | PROT_WRITE) == (PROT_READ | PROT_WRITE));
allow kill(!(pid == 1) && !(sig in {SIGKILL}));
allow exit_group, rt_sigreturn, restart_syscall;
