// expect: S0001 (git-like.sc with a mistake)
// A version-control tool: lots of file system work, runs hooks through execve.
default errno(EPERM);
allow @default, @basic_io, @file-system;
allow execve, clone(clone_flags & CLONE_THREAD == 0), vfork, wait4, pipe2;
allow mmap, munmap, mprotect, brk, madvise;
allow socket(domain == AF_UNIX), connect;        // the credential helper
allow getdents64, utimensat, fsync, rename, renameat, link, symlink;
