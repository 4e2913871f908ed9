// S0207: W^X written with exact flag sets. The kernel accepts PROT_SEM and drops it, so
// `RWX | PROT_SEM` gets past the deny rule and through the allow rule, writable and
// executable.
default kill;
allow exit_group, rt_sigreturn, restart_syscall, read, write, close;
errno(EPERM) mprotect(prot == PROT_READ | PROT_WRITE | PROT_EXEC);
allow mprotect;
allow mmap(prot != PROT_READ | PROT_WRITE | PROT_EXEC);
