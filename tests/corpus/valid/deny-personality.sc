// Refuses personalities other than the default and the Linux 32-bit one.
default allow;
errno(EPERM) personality(personality not in {0, 0x8, 0xffffffff});
