//! Docker / OCI seccomp profiles (JSON): import into the policy language and export
//! from it.
//!
//! - [`import`](mod@import) reads a profile the way Docker and runc/crun apply it (Docker's
//!   `includes`/`excludes` by capabilities, architecture and kernel; runc's handling of
//!   actions, errno values, repeated argument indexes and rules equal to the default;
//!   libseccomp's precedence of unconditional rules) and writes a policy file.
//! - [`export`](mod@export) writes a checked policy as an OCI `linux.seccomp` object, a Docker
//!   profile or a Security Profiles Operator `SeccompProfile`, expanding what JSON cannot
//!   say (`||` across arguments, `in` sets, `!=`, ranges on 32-bit arguments) into
//!   equivalent rules.
//!
//! Nothing here does I/O: the `scc` tool reads and writes the files.

pub mod export;
pub mod import;
pub mod profile;

use std::fmt;

pub use export::{ExportOptions, Exported, Format, export, export_docker_multi};
pub use import::{ImportOptions, Imported, import, import_str};
pub use profile::Profile;

use crate::diag::Severity;
use crate::{Action, Arch};

/// A finding about a profile: where in the JSON (`syscalls[3].args[0]`) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// A JSON path into the profile, or empty for the whole profile.
    pub path: String,
    pub message: String,
}

impl Finding {
    pub(crate) fn new(severity: Severity, path: impl Into<String>, msg: impl Into<String>) -> Self {
        Finding {
            severity,
            path: path.into(),
            message: msg.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.severity.as_str(), self.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.severity.as_str(),
                self.path,
                self.message
            )
        }
    }
}

/// Every Linux capability (6.x).
pub const ALL_CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// The capabilities Docker (and containerd, Podman) give a container by default.
pub const DEFAULT_CAPS: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// libseccomp's name of an architecture (`SCMP_ARCH_X86_64`).
pub fn scmp_arch(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "SCMP_ARCH_X86_64",
        Arch::Aarch64 => "SCMP_ARCH_AARCH64",
    }
}

/// Docker's name of an architecture in `includes.arches` (Go's `GOARCH`).
pub fn docker_arch(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "amd64",
        Arch::Aarch64 => "arm64",
    }
}

/// Every `SCMP_ARCH_*` name runc knows.
pub const SCMP_ARCHES: [&str; 18] = [
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X86_64",
    "SCMP_ARCH_X32",
    "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",
    "SCMP_ARCH_LOONGARCH64",
];

/// The flags of `linux.seccomp.flags` runc knows.
pub const FLAGS: [&str; 4] = [
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
];

/// `EPERM`: what runc uses for `SCMP_ACT_ERRNO` and `SCMP_ACT_TRACE` without `errnoRet`.
pub const EPERM: u16 = 1;

/// The profile's name of an action and its `errnoRet`.
pub fn scmp_action(a: Action) -> (&'static str, Option<u64>) {
    match a {
        Action::KillProcess => ("SCMP_ACT_KILL_PROCESS", None),
        Action::KillThread => ("SCMP_ACT_KILL_THREAD", None),
        Action::Trap => ("SCMP_ACT_TRAP", None),
        Action::Errno(e) => ("SCMP_ACT_ERRNO", Some(u64::from(e))),
        Action::Trace(d) => ("SCMP_ACT_TRACE", Some(u64::from(d))),
        Action::Log => ("SCMP_ACT_LOG", None),
        Action::Allow => ("SCMP_ACT_ALLOW", None),
        Action::Notify => ("SCMP_ACT_NOTIFY", None),
    }
}
