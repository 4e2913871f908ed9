// expect: S0101 (password-hasher.sc with a mistake)
// Hashes a password from stdin with argon2: memory, randomness, nothing else.
default kill;
allow read(fd == 0), write(fd == 1);
allow sys_getrandom(count <= 64 && flags == 0);
allow mmap(fd == -1 && prot == PROT_READ | PROT_WRITE), munmap, brk, madvise(behavior == MADV_DONTNEED);
allow mlock, munlock, exit_group, rt_sigreturn, restart_syscall;
