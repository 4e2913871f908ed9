//! The smallest sandbox: print, then try to open a file the policy does not allow.
//!
//! ```text
//! $ cargo run -p examples --bin hello
//! Hello from inside the sandbox!
//! now opening /etc/shadow, which the policy does not allow...
//! (killed by SIGSYS)
//! ```

use seccomp_rt::{Filter, seccomp_policy};

/// Compiled when this program is: a `const` BPF program for the target architecture.
static FILTER: Filter = seccomp_policy! {
    // Everything not allowed below kills the process.
    default kill;
    // Printing to stdout, and what the Rust runtime needs to exit.
    allow write(fd == 1), fstat, exit_group, rt_sigreturn, restart_syscall, sigaltstack, munmap;
};

fn main() {
    FILTER.install().expect("install the seccomp filter");
    println!("Hello from inside the sandbox!");
    println!("now opening /etc/shadow, which the policy does not allow...");
    // `openat` is not allowed: the kernel kills the process with SIGSYS right here.
    let opened = std::fs::File::open("/etc/shadow");
    println!("still alive?! {opened:?}");
}
