// S0303: a comparison that can never be true (fd is unsigned).
default kill;
allow @default, read;
allow write(fd < 0);
