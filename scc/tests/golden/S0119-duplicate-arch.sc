// S0119: two arch statements.
arch x86_64;
arch aarch64;
default kill;
allow @default;
