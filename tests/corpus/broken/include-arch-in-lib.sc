// expect: S0119
default kill;
include "../lib/with_arch.sc";
allow exit_group;
