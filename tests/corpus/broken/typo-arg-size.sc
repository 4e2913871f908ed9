// expect: S0102 (thumbnailer.sc with a mistake)
// A thumbnailer: input on fd 3, PNG out on fd 4, at most 256 MiB of memory.
default kill;
allow read(fd == 3), pread64(fd == 3), lseek(fd == 3), fstat(fd == 3 || fd == 4), write(fd == 4);
allow mmap(size <= 0x1000_0000 && fd == -1), munmap, mremap(new_len <= 0x1000_0000), brk;
allow exit_group, rt_sigreturn, restart_syscall, futex;
