// Plays audio through ALSA: device ioctls, mmap of the ring buffer.
default kill;
allow @default, @basic_io;
allow openat(flags & O_ACCMODE in {O_RDONLY, O_RDWR}), fstat, poll, ppoll;
allow ioctl(cmd > 0x4100 && cmd < 0x4200 || cmd == FIONBIO);
allow mmap(flags & MAP_SHARED != 0 && prot & PROT_EXEC == 0 || fd == -1), munmap, brk;
allow clone(clone_flags & CLONE_THREAD != 0), sched_setscheduler(policy in {SCHED_OTHER, SCHED_FIFO});
