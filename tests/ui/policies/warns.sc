// An allowlist that cannot exit (S0304), and one silenced lint.
default kill;
allow read, write, rt_sigreturn, restart_syscall;
allow ptrace; // scc: allow(S0204)
