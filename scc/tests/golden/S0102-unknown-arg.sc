// S0102: an argument name the syscall does not have.
default kill;
allow exit_group, rt_sigreturn, restart_syscall;
allow write(fdd == 1);
