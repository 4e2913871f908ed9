// expect: S0116 (x86_64-only.sc with a mistake)
arch x86_64;
// x86-only calls and constants: arch_prctl, MAP_32BIT.
default kill;
allow arch_prctl(code in {ARCH_SET_FS, ARCH_GET_FS}), mmap(flags & MAP_32BIT == 0), munmap;
allow tuxcall(arg0 == 0), time, getpid, exit_group, rt_sigreturn, restart_syscall, modify_ldt(arg0 == 0);
