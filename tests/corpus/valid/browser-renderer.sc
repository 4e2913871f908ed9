// A browser renderer process: talks to the browser over inherited sockets only.
default kill;
allow exit_group, exit, rt_sigreturn, restart_syscall, futex, gettid, getpid, sched_yield;
allow recvmsg(fd >= 3), sendmsg(fd >= 3), read, write, close, poll, ppoll, epoll_pwait;
allow mmap(prot & (PROT_WRITE | PROT_EXEC) != (PROT_WRITE | PROT_EXEC)), mprotect(prot & (PROT_WRITE | PROT_EXEC) != (PROT_WRITE | PROT_EXEC));
allow munmap, madvise(behavior in {MADV_DONTNEED, MADV_FREE, MADV_WILLNEED}), brk;
allow clock_gettime, clock_nanosleep, nanosleep, getrandom;
errno(EPERM) openat, open, socket, connect;
trap ptrace;
