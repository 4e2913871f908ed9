// Redraws a clock on the terminal once a second.
default kill;
allow @default;
allow timerfd_create(clockid in {CLOCK_MONOTONIC, CLOCK_REALTIME} && flags & TFD_CLOEXEC != 0);
allow timerfd_settime, read, write(fd == 1), ioctl(fd == 1 && cmd == TIOCGWINSZ), poll;
