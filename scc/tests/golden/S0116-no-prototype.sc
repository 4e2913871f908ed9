// S0116: a condition on a syscall the kernel does not implement.
arch x86_64;
default allow;
errno(ENOSYS) uselib(arg0 != 0);
