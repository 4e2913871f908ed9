// S0110: the default set twice.
default kill;
allow @default, read, write;
default errno(ENOSYS);
