// S0201: a denylist that blocks openat but not its siblings.
default allow;
errno(EACCES) openat(flags & O_ACCMODE != O_RDONLY);
