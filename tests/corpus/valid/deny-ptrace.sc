default allow;
// Debugging other processes is off.
kill ptrace, process_vm_readv, process_vm_writev, kcmp;
errno(EPERM) pidfd_getfd;
