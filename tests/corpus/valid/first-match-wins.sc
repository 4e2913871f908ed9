// Rules are tried in order: specific denials before the general allow.
default kill;
errno(EACCES) openat(flags & O_ACCMODE != O_RDONLY);
errno(ENOENT) openat(dfd != AT_FDCWD);
allow openat;
kill_thread ioctl(cmd == TIOCSTI);
allow ioctl;
allow exit_group, rt_sigreturn, restart_syscall, read, write, close;
