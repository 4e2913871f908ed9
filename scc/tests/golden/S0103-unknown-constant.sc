// S0103: a misspelt kernel constant.
default kill;
allow exit_group, rt_sigreturn, restart_syscall;
allow openat(flags & O_ACCMODE == O_RDONY);
