// Mask tests on flags words: `arg & MASK == VALUE`, on both halves of 64-bit arguments.
default kill;
allow openat(flags & O_ACCMODE == O_RDONLY);
allow openat(flags & (O_CREAT | O_EXCL) == O_CREAT | O_EXCL && mode & 0o077 == 0);
allow clone(newsp & 0xffff_ffff_0000_0000 == 0 && clone_flags & CLONE_THREAD != 0);
allow mmap(addr & 0xfff == 0 && offset & 0xfff == 0);
allow mmap(flags & 0x8000_0000_0000_0000 == 0x8000_0000_0000_0000);
allow exit_group, rt_sigreturn, restart_syscall;
