// expect: S0118 (deny-exec.sc with a mistake)
// No new programs: execve and execveat fail, fork still works.
default allow;
deny execve, execveat;
kill ptrace;
