// Under development: forbidden calls raise SIGSYS so a handler can print a backtrace.
default trap;
allow @default, @basic_io, @memory, @signal;
allow openat(flags & O_ACCMODE == O_RDONLY), fstat, newfstatat;
