// expect: S0113
default kill;
include "../lib/defines_stdio.sc";
group @stdio = { write };
allow @stdio;
