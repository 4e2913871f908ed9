// Included by includes-bad.sc.
allow openat(flags & O_ACCMODE == O_RDONLU);
