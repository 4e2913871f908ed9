// expect: S0101 (video-transcoder.sc with a mistake)
// A transcoder with worker threads: heavy mmap, futexes, no network.
arch x86_64, aarch64;
default kill;
const THREAD = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
allow @default, @basic_io;
allow clone(clone_flags & THREAD == THREAD), clone3;
allow mmap2(length <= 0x4000_0000), mremap, munmap, mprotect, madvise, brk, mlock, munlock;
allow openat, fstat, newfstatat, statx, getdents64;
allow sched_setaffinity(pid == 0), sched_getaffinity, sched_yield, setpriority(niceval >= 0);
kill socket;
