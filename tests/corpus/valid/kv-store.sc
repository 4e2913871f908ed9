// An embedded key-value store: log-structured file, fsync and flock, mmap'd index.
default errno(EIO);
allow @default, @basic_io;
allow openat(flags & O_ACCMODE == O_RDWR && flags & O_CREAT != 0 || flags & O_ACCMODE == O_RDONLY);
allow flock(cmd in {LOCK_EX | LOCK_NB, LOCK_UN}), fsync, fdatasync, ftruncate(length <= 0x10_0000_0000), fallocate(mode == 0 || mode == FALLOC_FL_KEEP_SIZE);
allow mmap(flags & MAP_SHARED != 0 || fd == -1), msync(flags & MS_SYNC != 0), munmap, brk, fstat;
