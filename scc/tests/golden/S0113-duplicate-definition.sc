// S0113: a constant defined twice.
const FDS = {0, 1, 2};
const FDS = {1, 2};
default kill;
allow @default;
allow write(fd in FDS);
