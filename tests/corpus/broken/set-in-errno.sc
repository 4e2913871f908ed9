// expect: S0114
default kill;
const E = {EPERM, EACCES};
errno(E) read;
