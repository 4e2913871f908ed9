//! Passing a listener between processes over a Unix socket (`SCM_RIGHTS`): the sandboxed
//! process creates it, its supervisor must hold it. Container runtimes hand theirs over
//! the same way (OCI `listenerPath`).

use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

use crate::Error;

/// Room for one `cmsghdr` carrying one descriptor (`CMSG_SPACE(sizeof(int))` is 24 bytes
/// on 64-bit Linux), aligned for `cmsghdr`.
type CmsgBuf = [u64; 4];

/// Sends `fd` with `payload` (at least one byte is sent, as a stream socket needs) as one
/// message on the connected Unix socket `socket`. Allocation-free: a forked child may
/// call it to send the listener it just created.
pub fn send_fd(socket: impl AsFd, fd: impl AsFd, payload: &[u8]) -> Result<(), Error> {
    let byte = [0u8];
    let data = if payload.is_empty() {
        &byte[..]
    } else {
        payload
    };
    let mut iov = libc::iovec {
        iov_base: data.as_ptr().cast_mut().cast(),
        iov_len: data.len(),
    };
    let mut cbuf: CmsgBuf = [0; 4];
    // SAFETY: msghdr is plain data; every pointer set below points to a live local.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr().cast();
    // SAFETY: CMSG_SPACE is arithmetic.
    msg.msg_controllen = unsafe { libc::CMSG_SPACE(size_of::<libc::c_int>() as u32) } as _;
    let raw = fd.as_fd().as_raw_fd();
    // SAFETY: the control buffer holds CMSG_SPACE(sizeof(int)) bytes, so CMSG_FIRSTHDR is
    // non-null and its data has room for one int; sendmsg reads only what msg describes.
    let r = unsafe {
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = libc::SOL_SOCKET;
        (*c).cmsg_type = libc::SCM_RIGHTS;
        (*c).cmsg_len = libc::CMSG_LEN(size_of::<libc::c_int>() as u32) as _;
        libc::CMSG_DATA(c)
            .cast::<libc::c_int>()
            .write_unaligned(raw);
        libc::sendmsg(socket.as_fd().as_raw_fd(), &msg, libc::MSG_NOSIGNAL)
    };
    if r < 0 {
        return Err(Error::Os(io::Error::last_os_error()));
    }
    Ok(())
}

/// Receives one descriptor sent with [`send_fd`] (or by a container runtime) on the Unix
/// socket `socket`, with up to `payload.len()` bytes of the message (the rest of a
/// datagram is dropped); returns the descriptor (close-on-exec) and the byte count. An
/// error if the message carries no descriptor; extra descriptors are closed.
pub fn recv_fd(socket: impl AsFd, payload: &mut [u8]) -> Result<(OwnedFd, usize), Error> {
    let mut byte = [0u8];
    let data: &mut [u8] = if payload.is_empty() {
        &mut byte
    } else {
        payload
    };
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // Room for a few descriptors, so extra ones are received (and closed), not leaked
    // into a truncated message.
    let mut cbuf = [0u64; 8];
    // SAFETY: msghdr is plain data; every pointer set below points to a live local.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr().cast();
    msg.msg_controllen = size_of_val(&cbuf) as _;
    // SAFETY: recvmsg writes at most the lengths msg describes into live locals.
    let n = unsafe { libc::recvmsg(socket.as_fd().as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
    if n < 0 {
        return Err(Error::Os(io::Error::last_os_error()));
    }
    let mut first: Option<OwnedFd> = None;
    // SAFETY: walking the control messages the kernel wrote, with the libc macros, inside
    // msg_controllen; each SCM_RIGHTS payload is an array of ints that are new
    // descriptors nothing else owns.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                let bytes = (*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize;
                let p = libc::CMSG_DATA(c).cast::<libc::c_int>();
                for i in 0..bytes / size_of::<libc::c_int>() {
                    let fd = OwnedFd::from_raw_fd(p.add(i).read_unaligned());
                    if first.is_none() {
                        first = Some(fd);
                    }
                }
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    let fd = first.ok_or_else(|| {
        Error::Os(io::Error::new(
            io::ErrorKind::InvalidData,
            if n == 0 {
                "the socket was closed before a descriptor came"
            } else {
                "the message carries no descriptor"
            },
        ))
    })?;
    let got = if payload.is_empty() { 0 } else { n as usize };
    Ok((fd, got))
}
