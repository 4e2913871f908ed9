// What every process needs to exit and to return from signal handlers.
allow exit, exit_group, rt_sigreturn, restart_syscall;
