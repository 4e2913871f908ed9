// S0114: a set used where a single value is expected.
const STDIO = {0, 1, 2};
default kill;
allow @default;
allow write(fd == STDIO);
