//! Install seccomp filters that were compiled at build time.
//!
//! The filter itself comes from [`seccomp_policy!`] (a `const` classic-BPF program, one
//! per target architecture) or `#[sandboxed("policy.sc")]`, which installs one before a
//! function's body runs. This crate is the small part that runs: a [`Filter`] type,
//! [`Filter::install`] (`PR_SET_NO_NEW_PRIVS`, then `seccomp(SECCOMP_SET_MODE_FILTER)`
//! with the flags you choose), [`strict`] mode and [`status`]; and for filters that
//! answer calls with `notify`, the user-notification side: a [`Listener`] that receives
//! the calls, [`Supervisor`] to serve them from a thread pool, and the TOCTOU-free path
//! broker in [`notify::open`] (see the [`notify`] module).
//!
//! ```no_run
//! use seccomp_rt::{seccomp_policy, Filter};
//!
//! static FILTER: Filter = seccomp_policy! {
//!     default kill;
//!     allow write(fd == 1 || fd == 2), exit_group, rt_sigreturn, restart_syscall, sigaltstack, munmap;
//! };
//!
//! fn main() {
//!     FILTER.install().expect("install the sandbox");
//!     println!("sandboxed");
//! }
//! ```
//!
//! Installing allocates nothing and depends only on `libc`.

#![cfg_attr(not(target_os = "linux"), allow(unused))]

use std::fmt;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

pub mod notify;
pub mod syscalls;

pub use notify::{AddFd, Call, Listener, Notification, Response, SeccompData, Supervisor};
#[cfg(feature = "macros")]
pub use seccomp_macros::{sandboxed, seccomp_policy};

/// One BPF instruction (the kernel's `struct sock_filter`), from the BPF layer.
pub use seccomp_bpf::SockFilter;
/// Why a filter is not valid: the instruction at fault, if one is, and the reason.
pub use seccomp_bpf::verify::Invalid as InvalidFilter;

// The kernel reads our instructions as `struct sock_filter`: the layouts must agree.
const _: () = {
    assert!(std::mem::size_of::<SockFilter>() == std::mem::size_of::<libc::sock_filter>());
    assert!(std::mem::align_of::<SockFilter>() == std::mem::align_of::<libc::sock_filter>());
};

/// The kernel's limit on a filter's length.
pub const MAX_INSNS: usize = 4096;

/// What the generated code needs; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use seccomp_bpf::{Endian, SockFilter, decode_array};

    /// Runs a `#[sandboxed]` function's installation: never returns on failure when
    /// `abort` is set, so the body cannot run unsandboxed.
    pub fn install_or(filter: &crate::Filter, policy: &str, on_error: OnError) {
        if let Err(e) = filter.installer().tsync(true).install() {
            match on_error {
                OnError::Abort => {
                    eprintln!(
                        "error: cannot install the seccomp filter of {policy}: {e}; aborting rather than running unsandboxed"
                    );
                    std::process::abort();
                }
                OnError::Panic => panic!("cannot install the seccomp filter of {policy}: {e}"),
                OnError::Ignore => {}
            }
        }
    }

    /// What `#[sandboxed]` does when installing fails.
    #[derive(Clone, Copy, Debug)]
    pub enum OnError {
        Abort,
        Panic,
        Ignore,
    }
}

/// A validated seccomp filter: at most 4096 instructions, ending in `ret`, every jump in
/// range, only instructions seccomp accepts.
#[derive(Clone, Debug)]
pub struct Filter {
    insns: Insns,
}

#[derive(Clone, Debug)]
enum Insns {
    Static(&'static [SockFilter]),
    Owned(Vec<SockFilter>),
}

impl Filter {
    /// A filter over instructions known at compile time. Invalid instructions are a
    /// compile-time error when used in a `const` or `static`.
    pub const fn from_static(insns: &'static [SockFilter]) -> Filter {
        if seccomp_bpf::verify::verify(insns).is_err() {
            panic!("invalid seccomp filter");
        }
        Filter {
            insns: Insns::Static(insns),
        }
    }

    /// A filter over instructions built at run time (e.g. by `seccomp-dsl`), validated.
    pub fn new(insns: Vec<SockFilter>) -> Result<Filter, InvalidFilter> {
        seccomp_bpf::verify::verify(&insns)?;
        Ok(Filter {
            insns: Insns::Owned(insns),
        })
    }

    /// A filter from raw 8-byte `struct sock_filter` records (as `scc compile --format
    /// raw` and libseccomp's `seccomp_export_bpf` write them), validated.
    pub fn from_bytes(bytes: &[u8]) -> Result<Filter, InvalidFilter> {
        let insns =
            seccomp_bpf::decode(bytes, seccomp_bpf::Endian::NATIVE).ok_or(InvalidFilter {
                pc: None,
                reason: seccomp_bpf::verify::Reason::PartialRecord(bytes.len()),
            })?;
        seccomp_bpf::verify::verify(&insns)?;
        Ok(Filter {
            insns: Insns::Owned(insns),
        })
    }

    /// The instructions.
    pub fn instructions(&self) -> &[SockFilter] {
        match &self.insns {
            Insns::Static(s) => s,
            Insns::Owned(v) => v,
        }
    }

    /// Installs the filter on the calling thread (and the threads it creates later):
    /// `PR_SET_NO_NEW_PRIVS`, then `seccomp(SECCOMP_SET_MODE_FILTER)`. Use
    /// [`installer`](Self::installer) to also synchronise existing threads or set flags.
    pub fn install(&self) -> Result<(), Error> {
        self.installer().install()
    }

    /// Installation with options.
    pub fn installer(&self) -> Install<'_> {
        Install {
            filter: self,
            flags: 0,
        }
    }
}

/// Options for installing a filter.
#[derive(Clone, Copy, Debug)]
#[must_use = "call `install()`"]
pub struct Install<'a> {
    filter: &'a Filter,
    flags: libc::c_ulong,
}

impl Install<'_> {
    /// Install on every thread of the process at once (`SECCOMP_FILTER_FLAG_TSYNC`).
    /// Fails with [`Error::Tsync`] if some thread cannot take it.
    pub fn tsync(mut self, on: bool) -> Self {
        self.set(libc::SECCOMP_FILTER_FLAG_TSYNC, on);
        self
    }

    /// Log every action except `allow` (`SECCOMP_FILTER_FLAG_LOG`).
    pub fn log(mut self, on: bool) -> Self {
        self.set(libc::SECCOMP_FILTER_FLAG_LOG, on);
        self
    }

    /// Keep speculative store bypass mitigations off (`SECCOMP_FILTER_FLAG_SPEC_ALLOW`).
    pub fn spec_allow(mut self, on: bool) -> Self {
        self.set(libc::SECCOMP_FILTER_FLAG_SPEC_ALLOW, on);
        self
    }

    /// Once the supervisor has received a call, only a fatal signal interrupts the
    /// target's wait (`SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV`, Linux 5.19+): without it a
    /// signal handler in the target abandons the call while the supervisor works on it
    /// (its answer then fails with [`Error::NotificationGone`]) and the call restarts.
    /// Use with [`new_listener`](Self::new_listener).
    pub fn wait_killable_recv(mut self, on: bool) -> Self {
        self.set(libc::SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, on);
        self
    }

    fn set(&mut self, flag: libc::c_ulong, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    /// Installs the filter.
    pub fn install(self) -> Result<(), Error> {
        self.run(self.flags).map(|_| ())
    }

    /// Installs the filter and returns the user-notification [`Listener`]
    /// (`SECCOMP_FILTER_FLAG_NEW_LISTENER`), which receives the calls the filter answers
    /// with `notify` (`Listener::into_fd` gives the bare descriptor, e.g. to send it to a
    /// supervisor process).
    ///
    /// The kernel's structure sizes are asked *before* the filter goes on, and nothing
    /// after `seccomp()` returns makes a system call or allocates: a thread can install a
    /// filter that notifies its own calls and hand the listener to another thread without
    /// waiting for an answer nobody can give yet.
    pub fn new_listener(self) -> Result<Listener, Error> {
        let sizes = notify::Sizes::get()?;
        let mut flags = self.flags | libc::SECCOMP_FILTER_FLAG_NEW_LISTENER;
        if flags & libc::SECCOMP_FILTER_FLAG_TSYNC != 0 {
            // The return value is the fd, so a failing thread can only be reported as ESRCH.
            flags |= libc::SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        }
        let fd = self.run(flags)?;
        // SAFETY: with NEW_LISTENER, a successful seccomp() returns a new file descriptor
        // that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd as libc::c_int) };
        Ok(Listener::with_sizes(fd, sizes))
    }

    fn run(&self, flags: libc::c_ulong) -> Result<libc::c_long, Error> {
        set_no_new_privs()?;
        let insns = self.filter.instructions();
        let prog = libc::sock_fprog {
            len: insns.len() as libc::c_ushort,
            // SAFETY (of the cast): `SockFilter` is `repr(C)` with the fields of the
            // kernel's `struct sock_filter` in the same order (sizes checked above).
            filter: insns.as_ptr().cast::<libc::sock_filter>().cast_mut(),
        };
        // SAFETY: `prog` points to `insns.len()` valid instructions that outlive the call;
        // the kernel copies the program and does not keep the pointer.
        let r = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER as libc::c_ulong,
                flags,
                &prog as *const libc::sock_fprog,
            )
        };
        if r < 0 {
            return Err(Error::from_errno(io::Error::last_os_error()));
        }
        if flags & libc::SECCOMP_FILTER_FLAG_TSYNC != 0
            && flags & libc::SECCOMP_FILTER_FLAG_NEW_LISTENER == 0
            && r > 0
        {
            // With TSYNC, a positive return value is the id of a thread that could not sync.
            return Err(Error::Tsync {
                tid: r as i32,
                name: thread_name(r as i32),
            });
        }
        Ok(r)
    }
}

fn set_no_new_privs() -> Result<(), Error> {
    // SAFETY: prctl with integer arguments only.
    let r = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0) };
    if r != 0 {
        return Err(Error::from_errno(io::Error::last_os_error()));
    }
    Ok(())
}

fn thread_name(tid: i32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/self/task/{tid}/comm"))
        .ok()
        .map(|s| s.trim_end().to_string())
}

/// Why installing a filter, or an operation on a user-notification [`Listener`], failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The kernel has no seccomp filter support (`CONFIG_SECCOMP_FILTER`), or not this
    /// flag.
    NotSupported(io::Error),
    /// Not allowed: `PR_SET_NO_NEW_PRIVS` failed, or the caller lacks `CAP_SYS_ADMIN`.
    Permission(io::Error),
    /// The kernel rejected the program or the flags (`EINVAL`).
    InvalidFilter(io::Error),
    /// With TSYNC: thread `tid` (named `name`) could not be synchronised, because it
    /// already has a filter that is not an ancestor of ours or is in strict mode.
    Tsync { tid: i32, name: Option<String> },
    /// Any other failure.
    Os(io::Error),
    /// The notification is no longer pending (`ENOENT`): its target died, or a signal
    /// interrupted the call, which will be restarted and notified afresh. Whatever was read
    /// of the target's memory for it must be thrown away.
    NotificationGone,
    /// No task uses the filter any more (the listener hung up): every target exited, and
    /// no notification will ever come.
    NoTargets,
    /// The listener is non-blocking and no call is waiting (`EAGAIN`).
    WouldBlock,
}

impl Error {
    fn from_errno(e: io::Error) -> Error {
        match e.raw_os_error() {
            Some(libc::ENOSYS) => Error::NotSupported(e),
            Some(libc::EACCES) | Some(libc::EPERM) => Error::Permission(e),
            Some(libc::EINVAL) => Error::InvalidFilter(e),
            Some(libc::ESRCH) => Error::Tsync { tid: 0, name: None },
            _ => Error::Os(e),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotSupported(e) => {
                write!(f, "seccomp filters are not supported by this kernel: {e}")
            }
            Error::Permission(e) => write!(f, "not permitted to install a seccomp filter: {e}"),
            Error::InvalidFilter(e) => write!(
                f,
                "the kernel rejected the seccomp filter or its flags: {e}"
            ),
            Error::Tsync { tid: 0, .. } => f.write_str(
                "a thread of this process could not be synchronised to the filter (TSYNC)",
            ),
            Error::Tsync { tid, name: Some(n) } => {
                write!(
                    f,
                    "thread {tid} ({n}) could not be synchronised to the filter (TSYNC): it has an incompatible filter"
                )
            }
            Error::Tsync { tid, name: None } => {
                write!(
                    f,
                    "thread {tid} could not be synchronised to the filter (TSYNC): it has an incompatible filter"
                )
            }
            Error::Os(e) => write!(f, "seccomp operation failed: {e}"),
            Error::NotificationGone => f.write_str(
                "the notified call is no longer pending: its target died or a signal interrupted it",
            ),
            Error::NoTargets => {
                f.write_str("no task uses the filter any more: every target has exited")
            }
            Error::WouldBlock => f.write_str("no notified call is waiting"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::NotSupported(e)
            | Error::Permission(e)
            | Error::InvalidFilter(e)
            | Error::Os(e) => Some(e),
            Error::Tsync { .. }
            | Error::NotificationGone
            | Error::NoTargets
            | Error::WouldBlock => None,
        }
    }
}

impl Error {
    /// The errno this error stands for, if any: what a supervisor can answer a call with
    /// when it cannot serve it.
    pub fn raw_os_error(&self) -> Option<i32> {
        match self {
            Error::NotSupported(e)
            | Error::Permission(e)
            | Error::InvalidFilter(e)
            | Error::Os(e) => e.raw_os_error(),
            Error::Tsync { .. } => Some(libc::ESRCH),
            Error::NotificationGone => Some(libc::ENOENT),
            Error::NoTargets => None,
            Error::WouldBlock => Some(libc::EAGAIN),
        }
    }
}

/// So a [`Listener`] works where `io::Result` is expected: tokio's `AsyncFd::try_io` needs
/// [`Error::WouldBlock`] as [`io::ErrorKind::WouldBlock`].
impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        match e {
            Error::NotSupported(e)
            | Error::Permission(e)
            | Error::InvalidFilter(e)
            | Error::Os(e) => e,
            Error::WouldBlock => io::ErrorKind::WouldBlock.into(),
            other => io::Error::other(other),
        }
    }
}

/// Enters strict mode (mode 1): from now on the thread may only call `read`, `write`,
/// `_exit` (not `exit_group`) and `sigreturn`; anything else kills it. Rust's normal exit
/// calls `exit_group`, so leave with [`strict_exit`].
pub fn strict() -> Result<(), Error> {
    // SAFETY: seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL) takes no pointers.
    let r = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_STRICT as libc::c_ulong,
            0 as libc::c_ulong,
            std::ptr::null::<libc::c_void>(),
        )
    };
    if r != 0 {
        return Err(Error::from_errno(io::Error::last_os_error()));
    }
    Ok(())
}

/// Ends the calling thread with the raw `exit` syscall, the only way out in strict mode.
pub fn strict_exit(code: i32) -> ! {
    // SAFETY: SYS_exit does not return; no Rust destructors run, which is what strict mode
    // needs (they could make forbidden calls).
    unsafe {
        libc::syscall(libc::SYS_exit, code as libc::c_long);
    }
    unreachable!("SYS_exit returned")
}

/// A process's seccomp mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Disabled,
    Strict,
    Filter,
}

/// What `/proc/PID/status` says about seccomp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub mode: Mode,
    /// `Seccomp_filters:` (Linux 5.9+): how many filters are attached.
    pub filters: Option<u32>,
    /// `NoNewPrivs:` (Linux 4.10+): whether `PR_SET_NO_NEW_PRIVS` is set, which every
    /// unprivileged filter install needs and `execve` never clears.
    pub no_new_privs: Option<bool>,
}

impl Mode {
    /// `disabled`, `strict` or `filter`, as `/proc` and the seccomp(2) man page say.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Disabled => "disabled",
            Mode::Strict => "strict",
            Mode::Filter => "filter",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The calling process's seccomp status.
pub fn status() -> io::Result<Status> {
    read_status("/proc/self/status")
}

/// Another process's seccomp status. A process that does not exist is an error of kind
/// `NotFound` saying "no such process".
pub fn status_of(pid: u32) -> io::Result<Status> {
    read_status(&format!("/proc/{pid}/status")).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => io::Error::new(io::ErrorKind::NotFound, "no such process"),
        _ => e,
    })
}

fn read_status(path: &str) -> io::Result<Status> {
    parse_status(&std::fs::read_to_string(path)?).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{path} has no `Seccomp:` line (kernel without seccomp?)"),
        )
    })
}

fn parse_status(text: &str) -> Option<Status> {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::trim))
    };
    let mode = match field("Seccomp")? {
        "0" => Mode::Disabled,
        "1" => Mode::Strict,
        "2" => Mode::Filter,
        _ => return None,
    };
    let filters = field("Seccomp_filters").and_then(|v| v.parse().ok());
    let no_new_privs = field("NoNewPrivs").map(|v| v == "1");
    Some(Status {
        mode,
        filters,
        no_new_privs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RET_ALLOW: SockFilter = SockFilter {
        code: 0x06,
        jt: 0,
        jf: 0,
        k: 0x7fff_0000,
    };

    #[test]
    fn validation() {
        assert!(Filter::from_bytes(&[0; 7]).is_err());
        assert!(Filter::from_bytes(&[]).is_err());
        // ld [0]; no ret
        assert!(Filter::from_bytes(&[0x20, 0, 0, 0, 0, 0, 0, 0]).is_err());
        // ret #0x7fff0000
        let ok = Filter::from_bytes(&[0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]).unwrap();
        assert_eq!(ok.instructions()[0].k, 0x7fff_0000);
        // jeq #0, 1, 0 then ret: jt jumps past the end.
        let jump = [0x15u8, 0, 1, 0, 0, 0, 0, 0, 0x06, 0, 0, 0, 0, 0, 0xff, 0x7f];
        assert_eq!(Filter::from_bytes(&jump).unwrap_err().pc, Some(0));
        assert!(seccomp_bpf::verify::verify(&[RET_ALLOW; MAX_INSNS]).is_ok());
        assert!(seccomp_bpf::verify::verify(&[RET_ALLOW; MAX_INSNS + 1]).is_err());
        // ld byte
        assert!(
            seccomp_bpf::verify::verify(&[
                SockFilter {
                    code: 0x30,
                    jt: 0,
                    jf: 0,
                    k: 0
                },
                RET_ALLOW
            ])
            .is_err()
        );
    }

    #[test]
    fn const_filter() {
        static F: Filter = Filter::from_static(&[RET_ALLOW]);
        assert_eq!(F.instructions().len(), 1);
    }

    #[test]
    fn decode_reads_raw_records_in_const_context() {
        // ld [4]; jeq #0xc000003e, 0, 1; ret ALLOW; ret KILL_PROCESS — as the macros emit them.
        const BYTES: &[u8] = b"\x20\0\0\0\x04\0\0\0\
                               \x15\0\0\x01\x3e\0\0\xc0\
                               \x06\0\0\0\0\0\xff\x7f\
                               \x06\0\0\0\0\0\0\x80";
        const INSNS: [SockFilter; 4] = __private::decode_array(BYTES, __private::Endian::Little);
        static F: Filter = Filter::from_static(&INSNS);
        let tuples = |f: &Filter| -> Vec<(u16, u8, u8, u32)> {
            f.instructions()
                .iter()
                .map(|i| (i.code, i.jt, i.jf, i.k))
                .collect()
        };
        assert_eq!(
            tuples(&F),
            [
                (0x20, 0, 0, 4),
                (0x15, 0, 1, 0xc000_003e),
                (0x06, 0, 0, 0x7fff_0000),
                (0x06, 0, 0, 0x8000_0000)
            ]
        );
        // The same layout as `from_bytes` reads.
        assert_eq!(tuples(&Filter::from_bytes(BYTES).unwrap()), tuples(&F));
    }

    #[test]
    fn status_parsing() {
        let s =
            parse_status("Name:\tx\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\n").unwrap();
        assert_eq!(
            s,
            Status {
                mode: Mode::Filter,
                filters: Some(3),
                no_new_privs: Some(true),
            }
        );
        assert_eq!(
            parse_status("Seccomp:\t0\n").unwrap(),
            Status {
                mode: Mode::Disabled,
                filters: None,
                no_new_privs: None,
            }
        );
        let gone = status_of(u32::MAX).unwrap_err();
        assert_eq!(gone.to_string(), "no such process");
        assert!(parse_status("Name: x\n").is_none());
        assert!(
            status().is_ok(),
            "this kernel reports seccomp in /proc/self/status"
        );
    }
}
