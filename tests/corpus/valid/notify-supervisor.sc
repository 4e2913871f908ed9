// The sandboxed side of a supervisor: opening files and connecting go to the
// user-notification listener, which decides for us.
default kill;
allow @default, @basic_io, @memory;
notify openat, open, connect, mkdirat, unlinkat;
allow fstat, newfstatat, getdents64;
