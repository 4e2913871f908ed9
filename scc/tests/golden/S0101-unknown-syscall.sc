// S0101: a misspelt syscall.
default kill;
allow exit_group, rt_sigreturn, restart_syscall;
allow opnat(flags & O_ACCMODE == O_RDONLY);
