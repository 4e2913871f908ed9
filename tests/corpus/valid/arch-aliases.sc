arch amd64, arm64;
// Architecture aliases accepted by `arch`.
default kill;
allow read, write, exit_group, rt_sigreturn, restart_syscall;
