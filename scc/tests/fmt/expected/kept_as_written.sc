// A comment inside a condition, a value or between the words of a statement has no
// place in the canonical layout: that piece is kept exactly as written.
default /* for now */ kill;
allow exit_group, rt_sigreturn;
allow openat(dfd == AT_FDCWD // relative paths only
          && flags & O_ACCMODE == O_RDONLY),
    read, write;
const WRITE_FLAGS = O_WRONLY | /* not O_RDWR */ O_CREAT;
errno(EACCES) openat(flags & WRITE_FLAGS != 0);
errno( /* no such file */ ENOENT) stat;
group @id /* identity */ = { getuid, geteuid };
allow @id, lseek;
