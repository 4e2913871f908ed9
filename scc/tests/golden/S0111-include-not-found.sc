// S0111: an include that does not exist.
include "include/no-such-file.sc";
default kill;
allow @default;
