// S0204: an allowlist that lets the program ptrace.
default kill;
allow @default, read, write;
allow ptrace;
