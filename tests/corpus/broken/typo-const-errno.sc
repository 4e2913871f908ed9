// expect: S0103 (deny-exec.sc with a mistake)
// No new programs: execve and execveat fail, fork still works.
default allow;
errno(EACCESS) execve, execveat;
kill ptrace;
