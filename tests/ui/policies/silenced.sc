// A dangerous syscall the program really needs, said so.
default kill;
allow read, write, exit_group, rt_sigreturn, restart_syscall;
allow ptrace; // scc: allow(S0204)
