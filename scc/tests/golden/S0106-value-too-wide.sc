// S0106: a value wider than the argument (`fd` is an int: 32 bits).
default allow;
errno(EBADF) close(fd == 0x1_0000_0000);
