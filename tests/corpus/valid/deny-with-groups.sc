// A denylist from the built-in groups.
default allow;
errno(EPERM) @ipc;
errno(EACCES) @timer;
kill_process ptrace;
