// No new programs: execve and execveat fail, fork still works.
default allow;
errno(EACCES) execve, execveat;
kill ptrace;
