//! Reading a target's memory: the arguments a filter cannot see (paths, structs).

use std::ffi::CString;
use std::io;

use super::{Listener, Notification};
use crate::Error;

/// Reads never cross a 4 KiB boundary, so one read is all or nothing (page sizes are
/// multiples of 4 KiB): a string that runs into an unmapped page fails instead of coming
/// back cut short.
const CHUNK: u64 = 4096;

impl Listener {
    /// Reads `buf.len()` bytes at `addr` in the target of `n` (`process_vm_readv`), then
    /// checks that the call is still pending ([`Listener::id_valid`]): otherwise the
    /// target may have died and its thread id been reused, and the bytes are someone
    /// else's, so [`Error::NotificationGone`]. Returns how many bytes were read (fewer
    /// if the range runs into unmapped memory; `EFAULT` if it starts there).
    ///
    /// The bytes are what the memory held at the moment of the read: another thread of
    /// the target can change them right after, so never decide on them and then
    /// [`continue_`](Listener::continue_) the call. Needs the right to ptrace the target
    /// (same user, and under Yama's `ptrace_scope` 1 its ancestor or `CAP_SYS_PTRACE`).
    pub fn read_memory(&self, n: &Notification, addr: u64, buf: &mut [u8]) -> Result<usize, Error> {
        let got = vm_read(n.pid, addr, buf)?;
        self.check_valid(n)?;
        Ok(got)
    }

    /// Reads a NUL-terminated string (a path) at `addr` in the target of `n`, of at most
    /// `max` bytes before the NUL, then checks the call is still pending, as
    /// [`read_memory`](Self::read_memory) does. `ENAMETOOLONG` (as `Error::Os`) if there
    /// is no NUL within `max` bytes, `EFAULT` if the string runs into unmapped memory.
    pub fn read_cstr(&self, n: &Notification, addr: u64, max: usize) -> Result<CString, Error> {
        let mut out = Vec::new();
        let mut at = addr;
        loop {
            let room = max.saturating_add(1) - out.len();
            let len = ((CHUNK - at % CHUNK) as usize).min(room);
            let start = out.len();
            out.resize(start + len, 0);
            let got = vm_read(n.pid, at, &mut out[start..])?;
            out.truncate(start + got);
            if let Some(nul) = out[start..].iter().position(|&b| b == 0) {
                out.truncate(start + nul);
                break;
            }
            if got < len {
                return Err(Error::Os(io::Error::from_raw_os_error(libc::EFAULT)));
            }
            if out.len() > max {
                return Err(Error::Os(io::Error::from_raw_os_error(libc::ENAMETOOLONG)));
            }
            at = at
                .checked_add(len as u64)
                .ok_or_else(|| Error::Os(io::Error::from_raw_os_error(libc::EFAULT)))?;
        }
        self.check_valid(n)?;
        // No NUL inside: the search above stopped at the first one.
        Ok(CString::new(out).expect("no interior NUL"))
    }
}

/// One `process_vm_readv` of the whole range.
fn vm_read(pid: u32, addr: u64, buf: &mut [u8]) -> Result<usize, Error> {
    if buf.is_empty() {
        return Ok(0);
    }
    if pid == 0 {
        // The target is in a PID namespace the supervisor cannot see.
        return Err(Error::Os(io::Error::new(
            io::ErrorKind::Unsupported,
            "the target's thread id is not visible in this PID namespace",
        )));
    }
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: `local` describes `buf`, which we may write; the remote range is only read,
    // in another process, by the kernel.
    let r = unsafe { libc::process_vm_readv(pid as libc::pid_t, &local, 1, &remote, 1, 0) };
    if r < 0 {
        let e = io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            // The thread is gone, so is its call.
            Some(libc::ESRCH) => Error::NotificationGone,
            _ => Error::Os(e),
        });
    }
    Ok(r as usize)
}
