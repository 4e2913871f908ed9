// expect: S0119 (arch-aliases.sc with a mistake)
arch amd64, x86_64;
// Architecture aliases accepted by `arch`.
default kill;
allow read, write, exit_group, rt_sigreturn, restart_syscall;
