//! Running code under a filter in a forked child, and compiling policies for the host.

#![allow(dead_code)]

pub mod corpus;
pub mod inputs;
pub mod profile;
#[cfg(feature = "libseccomp")]
pub mod scmp;

use std::time::{Duration, Instant};

use seccomp_dsl::Arch;
use seccomp_rt::Filter;

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

pub const SIGSYS: Exit = Exit::Signal(libc::SIGSYS);

/// The architecture the tests run on.
pub fn native() -> Arch {
    Arch::native().expect("tests run on a supported architecture")
}

/// Compiles a policy for the host, panicking with rendered diagnostics on errors.
pub fn compile(src: &str) -> Vec<seccomp_dsl::bpf::SockFilter> {
    let out = seccomp_dsl::compile_str("test.sc", src);
    assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
    out.program(native()).expect("host program").insns.clone()
}

/// Compiles a policy into an installable filter.
pub fn filter(src: &str) -> Filter {
    Filter::from_bytes(&seccomp_dsl::bpf::to_bytes(&compile(src))).expect("valid filter")
}

/// Forks; the child installs `filter` and runs `child`, whose return value is its exit
/// code (200 means installing failed). The child must not allocate: it may only make
/// raw syscalls. Waits at most 10 s.
pub fn in_child(filter: &Filter, child: impl FnOnce() -> i32) -> Exit {
    in_child_raw(|| match filter.install() {
        Ok(()) => child(),
        Err(_) => 200,
    })
}

/// Forks and runs `child` (no filter installed by the harness).
pub fn in_child_raw(child: impl FnOnce() -> i32) -> Exit {
    // SAFETY: the child runs only `child`, which by contract makes raw syscalls and
    // allocates nothing, then `_exit`s without running destructors or atexit handlers.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = child();
        // SAFETY: leaving the child without unwinding into the test harness.
        unsafe { libc::_exit(code) }
    }
    wait(pid, Duration::from_secs(10))
}

/// Waits for `pid`, killing it after `timeout`.
pub fn wait(pid: libc::pid_t, timeout: Duration) -> Exit {
    let start = Instant::now();
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid out-pointer; `pid` is our child.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(r >= 0, "waitpid failed");
        if r == pid {
            break;
        }
        if start.elapsed() > timeout {
            // SAFETY: killing our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("child {pid} timed out");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    }
}

/// A raw syscall with six arguments: the return value, or `-errno`.
pub fn raw(nr: libc::c_long, a: [u64; 6]) -> i64 {
    // SAFETY: the tests only make syscalls whose pointer arguments are null or valid.
    let r = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
    if r == -1 {
        // SAFETY: errno is thread-local and always readable.
        -i64::from(unsafe { *libc::__errno_location() })
    } else {
        r
    }
}

/// Exit code that encodes a syscall result (`-errno` → errno, otherwise 0 for success,
/// 250 for anything unexpected), so a child can report it.
pub fn code(r: i64) -> i32 {
    if r < 0 { (-r) as i32 } else { 0 }
}
