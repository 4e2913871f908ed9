// Every action once.
default kill;
allow read;
log write;
kill_process execve;
kill_thread ptrace;
trap mount;
errno(EPERM) chroot;
trace(42) setuid;
notify openat;
allow exit_group, rt_sigreturn, restart_syscall;
