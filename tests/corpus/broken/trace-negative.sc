// expect: S0108 (ptrace-tracer-setup.sc with a mistake)
// Under a tracer: the interesting calls stop for the tracer (trace(N) says which).
default allow;
trace(-1) execve, execveat;
trace(2) openat(flags & O_ACCMODE != O_RDONLY);
trace(3) connect, bind;
trace(0xffff) ptrace;
