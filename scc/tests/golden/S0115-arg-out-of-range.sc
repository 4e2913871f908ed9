// S0115: a positional argument the syscall does not have (close takes one).
default kill;
allow @default;
allow close(arg1 == 0);
