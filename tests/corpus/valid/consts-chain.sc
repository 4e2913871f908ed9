// Constants built from constants, and a constant used in sets and masks.
default kill;
const RD = O_RDONLY;
const WR = O_WRONLY;
const ACC = O_ACCMODE;
const CREATE = O_CREAT | O_EXCL;
const NOFOLLOW = O_NOFOLLOW | O_CLOEXEC;
const MODES = {RD, WR};
allow openat(flags & ACC in MODES && flags & CREATE != CREATE && flags & NOFOLLOW == NOFOLLOW);
allow exit_group, rt_sigreturn, restart_syscall;
