// A read-only view of the file system: writes fail with EROFS.
default allow;
errno(EROFS) openat(flags & O_ACCMODE != O_RDONLY || flags & (O_CREAT | O_TRUNC) != 0);
errno(EROFS) open(flags & O_ACCMODE != O_RDONLY || flags & (O_CREAT | O_TRUNC) != 0), creat;
errno(EROFS) mkdir, mkdirat, rmdir, unlink, unlinkat, rename, renameat, renameat2;
errno(EROFS) link, linkat, symlink, symlinkat, truncate, ftruncate, chmod, fchmod, fchmodat;
errno(EROFS) chown, fchown, lchown, fchownat, utime, utimes, utimensat, futimesat, mknod, mknodat;
errno(EROFS) setxattr, lsetxattr, fsetxattr, removexattr, lremovexattr, fremovexattr, fallocate;
