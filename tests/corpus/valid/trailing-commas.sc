arch x86_64, aarch64,;
const S = {1, 2, 3,};
group @g = { read, write, };
default kill;
allow @g, exit_group, rt_sigreturn, restart_syscall,;
allow close(fd in S);
