// expect: S0113 (a const named like a kernel constant)
// Meant to make the denial "succeed" silently; errno(EPERM) would have become errno(0).
default allow;
const EPERM = 0;
errno(EPERM) ptrace, process_vm_writev;
