// expect: S0115 (positional-args.sc with a mistake)
// Positional argument names arg0..arg5, as a profile converted from JSON uses.
default errno(1);
allow socket(arg0 == 1 || arg0 == 2 || arg0 == 10);
allow personality(arg0 in {0x0, 0x8, 0x20000, 0x20008, 0xffffffff});
allow clone(arg0 & 0x7e020000 == 0x0);
allow mmap(arg2 & 0x4 == 0 && arg5 == 0);
allow getpid(arg0 == 0), read, write, exit_group, rt_sigreturn, restart_syscall;
