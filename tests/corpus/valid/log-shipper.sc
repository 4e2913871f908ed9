// Tails log files with inotify and ships lines to a collector over TCP.
default errno(EPERM);
allow @default, @io_event;
allow inotify_init1(flags & IN_CLOEXEC != 0), inotify_add_watch(mask & IN_MODIFY != 0), inotify_rm_watch;
allow openat(flags & O_ACCMODE == O_RDONLY), read, pread64, lseek, fstat, newfstatat, close;
allow socket(domain in {AF_INET, AF_INET6} && type & SOCK_STREAM != 0), connect, getsockopt;
allow sendto, sendmsg, write, writev, recvfrom;
allow mmap, munmap, brk, madvise, getrandom;
kill ptrace, process_vm_readv, process_vm_writev;
