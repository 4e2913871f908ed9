// S0120: a constant that only one of the target architectures has.
default allow;
errno(EPERM) mmap(flags & MAP_32BIT != 0);
