// expect: S0001 (groups-nested.sc with a mistake)
// User groups using other groups, conditions inside groups.
default kill;
group @stdio = { read(@fd == 0), write(fd == 1 || fd == 2), fstat(fd <= 2) };
group @exit = { exit, exit_group, rt_sigreturn, restart_syscall };
group @heap = { brk, mmap(fd == -1), munmap, mremap };
group @base = { @stdio, @exit, @heap, @default };
allow @base;
errno(EACCES) @file_system;
