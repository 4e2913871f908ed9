// expect: S0001 (errno-numbers.sc with a mistake)
// Errno actions spelt as numbers, names and 0 (success without doing anything).
default errno(38);
allow exit_group, rt_sigreturn, restart_syscall, read, write;
errno(0) fsync, fdatasync, sync;           // pretend to sync
errno() setuid, setgid;
errno(EACCES) openat;
errno(4095) uname;
errno(0x0d) chmod, fchmod;
