// expect: S0002 (mail-delivery.sc with a mistake)
// A local delivery agent: writes one message into a Maildir.
default kill;
allow @default;
allow openat(flags & O_CREAT == 0 || flags & O_EXCL != 0), close, read, write, fsync, fstat;
allow linkat(flags == 0), renameat2(flags == RENAME_NOREPLACE), unlinkat(flag == 0), mkdirat(mode == 0o780);
allow getrandom, uname, mmap, munmap, brk;
