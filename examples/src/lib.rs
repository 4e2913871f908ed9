//! What the user-notification examples share: a child process under a notifying filter
//! whose listener comes back to the parent, its supervisor.

use std::io;
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use seccomp_rt::notify::{recv_fd, send_fd};
use seccomp_rt::{Filter, Listener};

/// A sandboxed child and the listener for its notified calls.
#[derive(Debug)]
pub struct Supervised {
    pub pid: libc::pid_t,
    pub listener: Listener,
}

/// Forks a child that installs `filter` with a listener, sends the listener to the parent
/// over a socket pair, closes its own copy (so the calls fail with `ENOSYS` if the parent
/// dies) and runs `body`, exiting with its return value. If installing fails the child
/// exits with 126 without running `body`: nothing runs unsupervised.
///
/// # Safety
///
/// Call it while the process has one thread: the child runs `body` after `fork`, where
/// locks held by other threads would stay locked forever.
pub unsafe fn fork_supervised(
    filter: &Filter,
    body: impl FnOnce() -> i32,
) -> io::Result<Supervised> {
    let (parent_end, child_end) = UnixStream::pair()?;
    // SAFETY: the caller guarantees a single-threaded process, so the child may run any code.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        drop(parent_end);
        let code = match filter.installer().new_listener() {
            Ok(listener) => match send_fd(&child_end, &listener, b"L") {
                Ok(()) => {
                    drop(listener);
                    drop(child_end);
                    body()
                }
                Err(e) => {
                    eprintln!("cannot send the listener: {e}");
                    126
                }
            },
            Err(e) => {
                eprintln!("cannot install the filter: {e}");
                126
            }
        };
        std::process::exit(code);
    }
    drop(child_end);
    let (fd, _) = recv_fd(&parent_end, &mut [0u8; 1]).inspect_err(|_| {
        wait(pid);
    })?;
    Ok(Supervised {
        pid,
        listener: Listener::from_fd(fd)?,
    })
}

/// Waits for the child `pid` and returns how it ended.
pub fn wait(pid: libc::pid_t) -> ExitStatus {
    let mut status = 0;
    loop {
        // SAFETY: waiting for our own child with a valid status pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid || (r < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::EINTR)) {
            return ExitStatus::from_raw(status);
        }
    }
}

/// A raw `getppid` with a first argument: a call cheap enough that its round trip through
/// a supervisor is all that is measured, and whose argument the supervisor can see.
pub fn getppid_with(arg: u64) -> i64 {
    // SAFETY: getppid ignores its arguments.
    unsafe { libc::syscall(libc::SYS_getppid, arg) }
}
