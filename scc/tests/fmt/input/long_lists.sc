// Long lists wrap at 100 columns with 4-space indentation; long conditions break.
default errno(EPERM);
allow accept,accept4,access,adjtimex,alarm,bind,brk,capget,capset,chdir,chmod,chown,clock_adjtime,clock_getres,clock_gettime,clock_nanosleep,close,close_range,connect,copy_file_range,creat,dup,dup2,dup3,epoll_create,epoll_create1,epoll_ctl,epoll_pwait,epoll_pwait2,epoll_wait,eventfd,eventfd2,execve,execveat,exit,exit_group,faccessat,faccessat2,fadvise64,fallocate;
allow
  getpid,
  getppid,
  gettid,
  getuid,
  geteuid,
  getgid,
  getegid,
  getgroups,
  getresuid,
  getresgid,
  getpgrp,
  getpgid,
  getsid,
  getrlimit,
  getrusage,
  getrandom,
  getcwd;
group @files = { openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY), newfstatat, statx, getdents64, lseek, pread64, readlinkat, faccessat };
const FDS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};
allow @files, fcntl(fd in FDS);
allow openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY && flags & O_CREAT == 0 && flags & O_TMPFILE != O_TMPFILE);
allow socket(domain == AF_UNIX && type & SOCK_CLOEXEC != 0 || domain == AF_INET && protocol == IPPROTO_TCP || domain == AF_INET6 && protocol == IPPROTO_TCP);
allow read, write, mmap(prot & PROT_EXEC == 0 && flags & MAP_SHARED == 0 && fd == -1 && offset == 0 && addr == 0), munmap;
