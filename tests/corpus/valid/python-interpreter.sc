// CPython running a data-processing script: files, threads, no sockets, no subprocesses.
default errno(EPERM);
include "../lib/process_basics.sc";
include "../lib/memory.sc";

allow @heap;
allow openat, open, close, read, write, pread64, lseek, fstat, newfstatat, stat, lstat;
allow getdents64, readlink, readlinkat, getcwd, access, faccessat2;
allow ioctl(cmd == TCGETS || cmd == FIOCLEX), fcntl;
allow clone(clone_flags & CLONE_THREAD != 0), clone3, futex, set_robust_list, gettid;
allow rt_sigaction, rt_sigprocmask, sigaltstack, getrandom, sysinfo, uname;
allow sched_getaffinity, sched_yield, clock_gettime, getpid, getuid, geteuid;
errno(EACCES) socket;
kill execve, execveat, fork, vfork;
