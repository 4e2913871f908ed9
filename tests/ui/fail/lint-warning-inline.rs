// A lint of `scc lint` (here S0304: an allowlist without `exit_group`, killed when it
// exits) is a compiler warning at the offending tokens; `deny(deprecated)` makes the
// warnings errors so this file shows them.
#![deny(deprecated)]

static FILTER: seccomp_rt::Filter = seccomp_rt::seccomp_policy! {
    default kill;
    allow write, rt_sigreturn, restart_syscall;
    allow ptrace;
};

fn main() {
    let _ = &FILTER;
}
