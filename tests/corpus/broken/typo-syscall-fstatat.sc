// expect: S0101 (shell.sc with a mistake)
// An interactive shell: it forks, execs, waits, and juggles file descriptors.
default kill;
allow @default, @basic_io, @file_system, @signal, @process;
allow ioctl(cmd in {TCGETS, TCSETS, TCSETSW, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, FIONREAD});
allow pipe2(flags & O_CLOEXEC == O_CLOEXEC), fcntl, umask, uname, getrlimit, prlimit64(new_rlim == 0);
allow fstatat, mmap, munmap, mprotect, brk, poll, pselect6;
// no networking from the shell itself
errno(EACCES) socket, connect;
