// A backup tool reading a tree and writing an archive to fd 1.
default kill;
allow @default;
allow openat(flags & O_ACCMODE == O_RDONLY && flags & O_NOFOLLOW != 0), openat(flags & O_PATH != 0);
allow read, pread64, lseek(whence in {SEEK_SET, SEEK_DATA, SEEK_HOLE}), getdents64, newfstatat, statx, fstat, close;
allow readlinkat, fgetxattr, flistxattr, lgetxattr, llistxattr;
allow write(fd == 1), fadvise64(advice in {POSIX_FADV_SEQUENTIAL, POSIX_FADV_DONTNEED}), mmap, munmap, brk;
