// make: runs recipes in child processes, nothing else privileged.
default kill;
allow @default, @basic_io, @file_system, @signal;
allow clone(clone_flags & CLONE_NEWUSER == 0), vfork, execve, wait4, pipe2, dup2;
allow mmap, munmap, brk, mprotect, arch_prctl;
allow getrlimit, setrlimit(resource == RLIMIT_NOFILE), getrusage, uname, umask;
