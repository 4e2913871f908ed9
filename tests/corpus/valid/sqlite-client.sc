// A program using SQLite on one database file: locks, syncs, journals.
default errno(ENOSYS);
allow @default, @basic_io;
allow openat(flags & O_ACCMODE in {O_RDONLY, O_RDWR}), unlink, unlinkat(flag == 0);
allow fstat, newfstatat, ftruncate, fsync, fdatasync, fcntl(cmd in {F_GETLK, F_SETLK, F_SETLKW, F_GETFL, F_SETFD});
allow flock(cmd & 0xb in {LOCK_SH, LOCK_EX, LOCK_UN});
allow mmap, munmap, mremap, brk, getcwd, fchown;
