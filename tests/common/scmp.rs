//! Glue to libseccomp shared by the differential tests against it (feature `libseccomp`).

use std::io::{Read, Seek};
use std::os::fd::{FromRawFd, OwnedFd};

use libseccomp::{ScmpAction, ScmpArch, ScmpFilterContext};
use seccomp_dsl::bpf::SockFilter;
use seccomp_dsl::{Action, Arch};

/// Our action as libseccomp's.
pub fn action(a: Action) -> ScmpAction {
    match a {
        Action::KillProcess => ScmpAction::KillProcess,
        Action::KillThread => ScmpAction::KillThread,
        Action::Trap => ScmpAction::Trap,
        Action::Errno(e) => ScmpAction::Errno(i32::from(e)),
        Action::Trace(d) => ScmpAction::Trace(d),
        Action::Log => ScmpAction::Log,
        Action::Allow => ScmpAction::Allow,
        Action::Notify => ScmpAction::Notify,
    }
}

/// Our architecture as libseccomp's.
pub fn arch(a: Arch) -> ScmpArch {
    match a {
        Arch::X86_64 => ScmpArch::X8664,
        Arch::Aarch64 => ScmpArch::Aarch64,
    }
}

/// libseccomp's BPF, through `seccomp_export_bpf` into a memfd.
pub fn export(ctx: &ScmpFilterContext) -> Vec<SockFilter> {
    // SAFETY: a valid NUL-terminated name and no flags; the fd is owned right away.
    let fd = unsafe { libc::memfd_create(c"libseccomp".as_ptr(), 0) };
    assert!(fd >= 0);
    // SAFETY: `fd` was just created and is owned by nobody else.
    let mut file = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    ctx.export_bpf(&file).unwrap();
    file.rewind().unwrap();
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    seccomp_dsl::bpf::from_bytes(&bytes).expect("whole instructions")
}
