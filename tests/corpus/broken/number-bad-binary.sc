// expect: S0002 (numbers.sc with a mistake)
// Every way to write a number.
default kill;
allow read(fd == 0), read(fd == 0x3), read(fd == 0o10), read(fd == 0b1021), read(fd == 1_0);
allow mmap(length == 0x1_0000 || length == 65_536 || length == 0o200000 || length == 0b1_0000_0000_0000_0000);
allow exit_group, rt_sigreturn, restart_syscall;
