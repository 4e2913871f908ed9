// A Go binary: the runtime's signal-based preemption and threads need these.
arch x86_64;
default kill;
allow @default;
allow clone(clone_flags & CLONE_THREAD != 0), futex, sched_yield, gettid, tgkill(sig == SIGURG);
allow rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigreturn;
allow mmap, munmap, madvise, mprotect, brk, mincore;
allow epoll_create1, epoll_ctl, epoll_pwait, eventfd2, pipe2, fcntl;
allow read, write, close, openat, fstat, readlinkat, getrlimit, arch_prctl(code == ARCH_SET_FS);
allow nanosleep, clock_gettime, getpid, getpgrp, uname;
