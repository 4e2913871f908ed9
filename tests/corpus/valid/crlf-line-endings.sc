// Written on Windows: CRLF line endings.
default kill;
allow read, write, exit_group, rt_sigreturn, restart_syscall; // ok
