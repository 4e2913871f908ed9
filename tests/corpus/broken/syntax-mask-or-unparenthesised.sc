// expect: S0001 (wasm-runtime.sc with a mistake)
// A WebAssembly runtime: compiled code needs executable mappings, guarded by W^X.
default kill;
allow @default, @basic_io;
allow mmap(prot & PROT_WRITE | PROT_EXEC == 0 || prot & PROT_EXEC == 0), munmap, madvise, brk;
allow mprotect(prot in {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC});
allow clone(clone_flags & CLONE_THREAD != 0), futex, sigaltstack, rt_sigaction, rt_sigprocmask;
allow openat(flags & O_ACCMODE == O_RDONLY), fstat;
