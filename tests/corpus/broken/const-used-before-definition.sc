// expect: S0103
// A constant is defined before use: RD comes too late.
default kill;
const MODES = {RD, O_WRONLY};
const RD = O_RDONLY;
allow openat(flags & O_ACCMODE in MODES);
