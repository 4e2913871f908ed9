// expect: S0105 (aarch64-only.sc with a mistake)
arch armv7;
// A policy for an arm64 board.
default kill;
allow @default, @basic_io;
allow openat, close, fstat, mmap(prot & PROT_BTI == 0 || prot & PROT_EXEC != 0), munmap, brk;
allow ioctl(cmd == TIOCGWINSZ), clock_nanosleep;
