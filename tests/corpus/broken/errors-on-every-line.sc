// expect: S0105, S0101, S0107, S0108, S0103
arch x86_64, sparc;
default kill;
allow exit_grop;
errno(5000) read;
trace(70000) write;
allow openat(flags == O_RDONLY_);
