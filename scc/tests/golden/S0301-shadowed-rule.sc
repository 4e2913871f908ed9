// S0301: a specific rule after a general one on the same syscall.
default allow;
errno(EPERM) unlink, unlinkat, rmdir;
errno(EACCES) unlinkat(flag == 0);
