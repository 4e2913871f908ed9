/* Converts one image to another format: reads the input descriptor (0), writes the
   output descriptor (1). No network, no new files, no processes. */
default errno(ENOSYS);
allow read(fd == 0), pread64(fd == 0);
allow write(fd == 1 || fd == 2), pwrite64(fd == 1);
allow lseek(fd <= 1 && whence in {SEEK_SET, SEEK_CUR, SEEK_END});
allow fstat(fd < 3), mmap(fd == -1 && flags & MAP_ANONYMOUS != 0), munmap, mremap, brk;
allow madvise, futex, exit_group, rt_sigreturn, restart_syscall;
kill socket, connect, execve, execveat;
