// A JIT that never maps memory writable and executable at once.
default kill;
const WX = PROT_WRITE | PROT_EXEC;
allow mmap(prot & WX != WX), mprotect(prot & WX != WX), pkey_mprotect(prot & WX != WX);
kill mmap, mprotect, pkey_mprotect;           // the W+X attempts reach these
allow munmap, brk, read, write, exit_group, rt_sigreturn, restart_syscall;
