// S0203: a path compared by its address.
default kill;
allow @default, read, write, close;
allow openat(filename == 0x55d0c0de1000);
