// fc-cache: scans font directories, writes cache files atomically.
default kill;
allow @default;
allow openat, close, read, write, fstat, newfstatat, getdents64, lseek, fsync;
allow renameat(olddfd == AT_FDCWD && newdfd == AT_FDCWD), rename, unlink, umask, fchmod;
allow mmap, munmap, brk, uname, getrandom;
