// S0002: a malformed number literal.
default allow;
errno(EPERM) ioctl(cmd == 0x54g1);
