// S0302: the same syscall twice in one rule.
default kill;
allow @default, read, write, read;
