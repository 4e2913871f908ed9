// S0105: an architecture scc does not support.
arch x86_64, riscv64;
default kill;
allow @default;
