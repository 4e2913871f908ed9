// TIOCSTI pushes characters into a terminal's input: a classic sandbox escape.
default allow;
kill ioctl(cmd == TIOCSTI || cmd == TIOCLINUX);
