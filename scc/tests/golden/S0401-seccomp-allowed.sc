// S0401: the program may add filters of its own.
default kill;
allow @default, read, write;
allow seccomp;
