// S0402: `open` exists on x86_64 only; on aarch64 the rule is skipped.
arch x86_64, aarch64;
default kill;
allow @default, read, write;
allow open, openat;
