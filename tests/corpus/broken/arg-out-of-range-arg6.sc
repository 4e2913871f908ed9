// expect: S0102
default kill;
allow mmap(arg6 == 0);
