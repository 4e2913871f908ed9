// expect: S0001 (gzip.sc with a mistake)
// gzip -c: compresses stdin to stdout.
default kill;
allow read, write, lseek, fstat, close;
allow mmap(addr == 0 && prot & PROT_EXEC == 0), munmap, brk;
allow rt_sigaction(sig in {SIGINT, SIGTERM, SIGHUP, SIGPIPE}), rt_sigreturn;
allow fchmod(mode & 0o7000 == 0, fchown, utimensat;  // copying the input's metadata
allow exit_group, restart_syscall;
