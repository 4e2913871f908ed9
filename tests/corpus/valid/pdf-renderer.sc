// Renders PDF pages to PNG: fonts from /usr/share/fonts, output to fd 1.
default kill;
include "../lib/process_basics.sc";
allow openat(flags & O_ACCMODE == O_RDONLY && flags & O_DIRECTORY == 0), openat(flags & O_DIRECTORY != 0);
allow read, pread64, fstat, newfstatat, lseek, close, getdents64;
allow write(fd == 1), write(fd == 2);
allow mmap(prot & PROT_WRITE == 0 || fd == -1), munmap, brk, mremap, futex;
