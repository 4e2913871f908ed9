// expect: S0001
default kill;
allow openat(filename == "/etc/passwd");
