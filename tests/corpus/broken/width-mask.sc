// expect: S0106 (tar-extractor.sc with a mistake)
// Extracts an archive from stdin into the current directory, without following symlinks.
default kill;
allow @default;
allow read(fd == 0), write(fd > 2), close, fstat, lseek(fd == 0);
allow openat(dfd == AT_FDCWD && flags & O_NOFOLLOW != 0 || flags & O_DIRECTORY != 0);
allow mkdirat(mode <= 0o777), symlinkat, linkat(flags & AT_SYMLINK_FOLLOW == 0);
allow fchmod(mode & 0x7_0000 == 0), fchmodat(mode & 0o6000 == 0), fchown, fchownat, utimensat;
allow unlinkat, newfstatat(flag & AT_SYMLINK_NOFOLLOW != 0), mmap, munmap, brk;
