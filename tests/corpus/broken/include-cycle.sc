// expect: S0112
// Includes lib/cycle_b.sc, which includes this file back.
default kill;
include "../lib/cycle_b.sc";
allow exit_group;
