// The policy of examples/src/bin/attribute.rs, installed by #[sandboxed] before main runs.
default kill;
include "lib/stdio.sc";
allow exit_group, rt_sigreturn, restart_syscall, sigaltstack, munmap;
