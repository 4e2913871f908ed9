// expect: S0001
default kill;
allow openat(flags && O_CREAT == 0);
