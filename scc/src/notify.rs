//! The user-notification calls both recorders make (`scc trace` on the host, `scc hook`
//! for a container): receive a call from a listener fd and let it run.

use std::os::fd::{AsRawFd, BorrowedFd};

use seccomp_dsl::Arch;

/// One call waiting for an answer.
pub struct Call {
    pub id: u64,
    /// The caller's thread id, in our pid namespace.
    pub pid: u32,
    pub arch: u32,
    pub nr: u32,
    pub args: [u64; 6],
}

/// Asks the kernel to switch straight to the receiver when a call is waiting (Linux
/// 6.6+; an optimisation only, so failure is ignored).
pub fn sync_wake_up(listener: BorrowedFd<'_>, arch: Arch) {
    let flag = arch
        .constant("SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP")
        .unwrap_or(1) as u64;
    // SAFETY: SET_FLAGS takes an integer argument.
    unsafe {
        libc::ioctl(
            listener.as_raw_fd(),
            libc::SECCOMP_IOCTL_NOTIF_SET_FLAGS,
            flag,
        )
    };
}

/// Receives the next call (`None`: the caller died before we got it, or a signal came:
/// poll again).
pub fn recv(listener: BorrowedFd<'_>) -> Option<Call> {
    // SAFETY: a zeroed seccomp_notif (the kernel requires it zeroed) for RECV to fill.
    let mut req: libc::seccomp_notif = unsafe { std::mem::zeroed() };
    // SAFETY: a valid listener and a pointer to a live seccomp_notif.
    let r = unsafe {
        libc::ioctl(
            listener.as_raw_fd(),
            libc::SECCOMP_IOCTL_NOTIF_RECV,
            &mut req,
        )
    };
    (r == 0).then_some(Call {
        id: req.id,
        pid: req.pid,
        arch: req.data.arch,
        nr: req.data.nr as u32,
        args: req.data.args,
    })
}

/// Lets the call run as if there were no filter (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`).
/// ENOENT (the caller died meanwhile) is fine.
pub fn allow(listener: BorrowedFd<'_>, id: u64) {
    let resp = libc::seccomp_notif_resp {
        id,
        val: 0,
        error: 0,
        flags: libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32,
    };
    // SAFETY: a valid listener and a pointer to a live response.
    unsafe { libc::ioctl(listener.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_SEND, &resp) };
}
