// S0112: two files that include each other.
include "include/cycle.sc";
default kill;
allow @default;
