// A spell checker: dictionaries read-only, text on stdin, suggestions on stdout.
default kill;
allow @default;
allow openat(flags == O_RDONLY || flags == O_RDONLY | O_CLOEXEC), read, close, fstat, mmap(prot == PROT_READ), munmap, brk;
allow write(fd == 1);
