// S0113: a const that would redefine a kernel constant (errno(EPERM) would be errno(0)).
default allow;
const EPERM = 0;
errno(EPERM) openat;
