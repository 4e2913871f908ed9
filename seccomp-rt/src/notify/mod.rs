//! User notification: answering a sandboxed program's system calls from another thread or
//! process.
//!
//! A filter rule with the `notify` action (`SECCOMP_RET_USER_NOTIF`) stops the calling
//! thread (the *target*) and queues the call on a [`Listener`]. A supervisor receives it
//! ([`Listener::recv`]), may read the target's memory ([`Listener::read_memory`],
//! [`Listener::read_cstr`]), and answers: the call fails with an errno
//! ([`Listener::respond_errno`]), returns a value ([`Listener::respond_value`]), returns a
//! file descriptor the supervisor opened and put into the target
//! ([`Listener::add_fd_and_respond`]), or runs as if there were no filter
//! ([`Listener::continue_`], which must not be used to enforce anything: see there).
//! [`Supervisor`] runs that loop on a pool of threads; [`open`] is the pattern for path
//! rules: the supervisor opens the file itself, beneath an allowlisted directory, and
//! injects it, so the target never opens anything that was not checked.
//!
//! ```no_run
//! use seccomp_rt::{seccomp_policy, Filter, Response, Supervisor};
//!
//! static FILTER: Filter = seccomp_policy! { default allow; notify getppid; };
//!
//! let listener = FILTER.installer().new_listener()?;
//! // ... hand `listener` to a thread or process without the filter, which runs:
//! Supervisor::new(listener).run(|call| match call.syscall_name() {
//!     Some("getppid") => Response::Value(1),
//!     _ => Response::Errno(libc::ENOSYS),
//! })?;
//! # Ok::<(), seccomp_rt::Error>(())
//! ```
//!
//! Kernel versions: receiving and answering need Linux 5.0, [`Response::Continue`] 5.5,
//! [`Listener::add_fd`] 5.9, [`Listener::add_fd_and_respond`] 5.14, the listener's hang-up
//! when no target is left ([`Error::NoTargets`]) 5.8, [`Listener::set_sync_wake_up`] 6.6.

mod handover;
mod kbuf;
mod memory;
pub mod open;
mod supervisor;

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

pub use handover::{recv_fd, send_fd};
pub use supervisor::{Call, Supervisor};

use crate::Error;
use kbuf::KBuf;

/// What the kernel tells about a call (`struct seccomp_data`), as a filter sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeccompData {
    /// The system call number, of the architecture in `arch`.
    pub nr: i32,
    /// The `AUDIT_ARCH_*` value of the calling convention (x86_64 and i386 calls of the
    /// same process have different numbers).
    pub arch: u32,
    /// Where the call was made.
    pub instruction_pointer: u64,
    /// The six argument registers, as the caller left them (a 32-bit argument may have
    /// garbage in the high half).
    pub args: [u64; 6],
}

impl SeccompData {
    /// The syscall's name, from tables generated from the kernel sources (see
    /// [`crate::syscalls`]); `None` for an architecture or number they do not know.
    pub fn syscall_name(&self) -> Option<&'static str> {
        crate::syscalls::name(self.arch, self.nr)
    }
}

/// One notified call (`struct seccomp_notif`). Answer it exactly once; a second answer
/// fails (`EINPROGRESS`), none leaves the target waiting until the listener is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notification {
    /// The kernel's cookie for this call: what every answer names.
    pub id: u64,
    /// The calling thread's id, in the supervisor's PID namespace (0 if the target is in a
    /// namespace the supervisor cannot see). Only meaningful while the call is pending:
    /// check [`Listener::id_valid`] after using it.
    pub pid: u32,
    /// The call.
    pub data: SeccompData,
}

impl Notification {
    /// The syscall's name: see [`SeccompData::syscall_name`].
    pub fn syscall_name(&self) -> Option<&'static str> {
        self.data.syscall_name()
    }
}

/// How to answer a call: one value, so a [`Supervisor`] handler answers exactly once.
#[derive(Debug)]
pub enum Response {
    /// The call fails with this errno (1..=4095).
    Errno(i32),
    /// The call returns this value (as a syscall returns, so a negative value between
    /// -4095 and -1 reads as an error to the target).
    Value(i64),
    /// The kernel runs the call as if the filter had allowed it
    /// (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`). **Not a security decision**: see
    /// [`Listener::continue_`].
    Continue,
    /// Put `fd` into the target and make the call return its number there, atomically
    /// (`SECCOMP_IOCTL_NOTIF_ADDFD` with `SECCOMP_ADDFD_FLAG_SEND`). The supervisor's copy
    /// is closed afterwards. If the target cannot take it (`EMFILE`), the call fails
    /// with that errno.
    Fd { fd: OwnedFd, flags: AddFd },
}

/// How a descriptor is put into the target ([`Listener::add_fd`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct AddFd {
    cloexec: bool,
    at: Option<RawFd>,
}

impl AddFd {
    /// The lowest free number, without close-on-exec.
    pub const fn new() -> AddFd {
        AddFd {
            cloexec: false,
            at: None,
        }
    }

    /// Set close-on-exec on the target's new descriptor (an `open(O_CLOEXEC)` the
    /// supervisor answers wants it).
    pub const fn cloexec(mut self, on: bool) -> AddFd {
        self.cloexec = on;
        self
    }

    /// Use this number in the target, replacing what it had there, like `dup2`
    /// (`SECCOMP_ADDFD_FLAG_SETFD`).
    pub const fn at(mut self, fd: RawFd) -> AddFd {
        self.at = Some(fd);
        self
    }
}

/// The kernel's sizes of the notification structures (`SECCOMP_GET_NOTIF_SIZES`). A
/// newer kernel may have larger ones; buffers are sized for the larger of its and ours,
/// since it zero-checks and writes a whole `seccomp_notif` and reads a whole
/// `seccomp_notif_resp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sizes {
    notif: usize,
    resp: usize,
}

impl Sizes {
    /// Asks the kernel once per process. Fork-safe (no lock: a race asks twice and stores
    /// the same answer) and allocation-free, so a forked child may call it.
    pub(crate) fn get() -> Result<Sizes, Error> {
        static CACHE: AtomicU64 = AtomicU64::new(0);
        let packed = CACHE.load(Ordering::Relaxed);
        if packed != 0 {
            return Ok(Sizes::unpack(packed));
        }
        let mut k = libc::seccomp_notif_sizes {
            seccomp_notif: 0,
            seccomp_notif_resp: 0,
            seccomp_data: 0,
        };
        // SAFETY: GET_NOTIF_SIZES writes one seccomp_notif_sizes to the pointer.
        let r = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_GET_NOTIF_SIZES as libc::c_ulong,
                0 as libc::c_ulong,
                &mut k as *mut libc::seccomp_notif_sizes,
            )
        };
        if r != 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::EINVAL | libc::ENOSYS) => Error::NotSupported(e),
                _ => Error::Os(e),
            });
        }
        let sizes = Sizes {
            notif: usize::from(k.seccomp_notif).max(size_of::<libc::seccomp_notif>()),
            resp: usize::from(k.seccomp_notif_resp).max(size_of::<libc::seccomp_notif_resp>()),
        };
        CACHE.store(sizes.pack(), Ordering::Relaxed);
        Ok(sizes)
    }

    fn pack(self) -> u64 {
        (self.notif as u64) << 32 | self.resp as u64
    }

    fn unpack(v: u64) -> Sizes {
        Sizes {
            notif: (v >> 32) as usize,
            resp: (v & 0xffff_ffff) as usize,
        }
    }
}

/// `SECCOMP_IOCTL_NOTIF_ID_VALID` as the first kernels with it defined it,
/// `_IOR('!', 2, __u64)`; later ones define the corrected `_IOW` number (libc's) and
/// accept both.
const ID_VALID_WRONG_DIR: libc::Ioctl = 0x8008_2102 as libc::Ioctl;

/// What `poll` says about the listener right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ready {
    /// A call is waiting to be received.
    Call,
    /// No target is left.
    Hangup,
    /// Nothing yet.
    Empty,
}

/// The receiving end of a filter's notifications: a file descriptor with the kernel's
/// `ioctl`s as methods. Share it between threads by reference: several threads may
/// receive at once, each call goes to one of them.
///
/// It is a plain descriptor ([`AsFd`], [`AsRawFd`]) that is readable when a call waits
/// and hangs up when no target is left, so it plugs into `poll`, `epoll`, `mio` or
/// tokio's `AsyncFd` (with [`set_nonblocking`](Self::set_nonblocking)).
#[derive(Debug)]
pub struct Listener {
    fd: OwnedFd,
    sizes: Sizes,
    nonblocking: AtomicBool,
    /// Held from the check that a call waits to its `RECV`, so two threads of this
    /// process cannot both see one waiting call and the loser block in `RECV`.
    recv_lock: Mutex<()>,
    /// Calls received so far (under `recv_lock`).
    received: AtomicU64,
}

impl Listener {
    /// Takes a listener descriptor that was created elsewhere: received from the
    /// sandboxed process ([`recv_fd`]), from a container runtime's `listenerPath`
    /// socket, or from another thread. Fails if the descriptor is, as far as
    /// `/proc/self/fd` tells, not a seccomp listener.
    pub fn from_fd(fd: OwnedFd) -> Result<Listener, Error> {
        let sizes = Sizes::get()?;
        if let Ok(target) = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())) {
            // `anon_inode:seccomp notify` today; a file, pipe or socket never says seccomp.
            let name = target.to_string_lossy();
            if !(name.starts_with("anon_inode:") && name.contains("seccomp")) {
                return Err(Error::Os(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "descriptor {} is {}, not a seccomp listener",
                        fd.as_raw_fd(),
                        target.display()
                    ),
                )));
            }
        }
        Ok(Listener::with_sizes(fd, sizes))
    }

    /// No system call, no allocation: see [`crate::Install::new_listener`].
    pub(crate) fn with_sizes(fd: OwnedFd, sizes: Sizes) -> Listener {
        Listener {
            fd,
            sizes,
            nonblocking: AtomicBool::new(false),
            recv_lock: Mutex::new(()),
            received: AtomicU64::new(0),
        }
    }

    /// The descriptor, e.g. to send it to a supervisor process ([`send_fd`]).
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    /// Makes [`recv`](Self::recv) return [`Error::WouldBlock`] instead of waiting, for
    /// event loops. The kernel's `RECV` ignores `O_NONBLOCK` (it is set anyway), so a
    /// non-blocking receive first polls; that is race-free between threads sharing this
    /// `Listener`, but a receiver in another process (or through a duplicated
    /// descriptor) may take the call in between and make `recv` wait.
    pub fn set_nonblocking(&self, on: bool) -> Result<(), Error> {
        let fd = self.fd.as_raw_fd();
        // SAFETY: F_GETFL/F_SETFL on a descriptor we own, integer arguments only.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            let flags = if on {
                flags | libc::O_NONBLOCK
            } else {
                flags & !libc::O_NONBLOCK
            };
            if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags) != 0 {
                return Err(Error::Os(io::Error::last_os_error()));
            }
        }
        self.nonblocking.store(on, Ordering::Relaxed);
        Ok(())
    }

    /// Asks the kernel to switch straight from the target to the supervisor and back
    /// (`SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP`, Linux 6.6+): faster round trips for one
    /// supervisor thread serving one target thread at a time. An optimisation only:
    /// [`Error::NotSupported`] on older kernels, which a caller may ignore.
    pub fn set_sync_wake_up(&self, on: bool) -> Result<(), Error> {
        let flags: u64 = if on { 1 } else { 0 };
        // SAFETY: SET_FLAGS takes an integer argument.
        let r = unsafe {
            libc::ioctl(
                self.fd.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_SET_FLAGS,
                flags,
            )
        };
        if r != 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::EINVAL | libc::ENOTTY) => Error::NotSupported(e),
                _ => Error::Os(e),
            });
        }
        Ok(())
    }

    /// Receives the next call, waiting for one (unless non-blocking). A call whose target
    /// died before it could be received is skipped.
    ///
    /// [`Error::NoTargets`] when every task that used the filter has exited (the loop's
    /// natural end); [`Error::WouldBlock`] in non-blocking mode when nothing waits;
    /// `Error::Os` with `EINTR` when a signal interrupted the wait.
    ///
    /// It waits in `poll`, not in the kernel's `RECV`: before Linux 6.6 a waiting `RECV`
    /// is not woken when the last target exits, so a supervisor would never learn it is
    /// done; and only one of several threads woken for a call gets it, the others must
    /// not then block in `RECV`.
    pub fn recv(&self) -> Result<Notification, Error> {
        if self.nonblocking.load(Ordering::Relaxed) {
            return self.try_recv(None);
        }
        loop {
            let seen = self.received.load(Ordering::Acquire);
            match self.poll(-1)? {
                Ready::Hangup => return Err(Error::NoTargets),
                Ready::Empty => continue,
                Ready::Call => {}
            }
            match self.try_recv(Some(seen)) {
                Err(Error::WouldBlock) => continue,
                r => return r,
            }
        }
    }

    /// Receives a call if one is waiting, never blocking in `RECV` (see
    /// [`set_nonblocking`](Self::set_nonblocking)). `seen` is the count of receives
    /// before a `poll` that saw a call: if no thread received one since, that call is
    /// still there, and polling again is skipped.
    fn try_recv(&self, mut seen: Option<u64>) -> Result<Notification, Error> {
        let _one = self
            .recv_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            if seen != Some(self.received.load(Ordering::Acquire)) {
                match self.poll(0)? {
                    Ready::Call => {}
                    Ready::Hangup => return Err(Error::NoTargets),
                    Ready::Empty => return Err(Error::WouldBlock),
                }
            }
            match self.recv_once() {
                Ok(n) => {
                    self.received.fetch_add(1, Ordering::Release);
                    return Ok(n);
                }
                // Its target died meanwhile: look again.
                Err(Error::NotificationGone) => seen = None,
                Err(e) => return Err(e),
            }
        }
    }

    fn recv_once(&self) -> Result<Notification, Error> {
        let mut buf = KBuf::zeroed(self.sizes.notif);
        // SAFETY: RECV zero-checks, then writes, the kernel's seccomp_notif, which fits in
        // the buffer (sized for the larger of the kernel's and ours).
        unsafe { self.ioctl(libc::SECCOMP_IOCTL_NOTIF_RECV, &mut buf) }?;
        // SAFETY: the buffer is 8-byte aligned, at least size_of::<seccomp_notif>() long,
        // and its prefix is the struct the kernel filled (plain integers, any bits valid).
        let raw: libc::seccomp_notif = unsafe { buf.as_ptr().cast::<libc::seccomp_notif>().read() };
        Ok(Notification {
            id: raw.id,
            pid: raw.pid,
            data: SeccompData {
                nr: raw.data.nr,
                arch: raw.data.arch,
                instruction_pointer: raw.data.instruction_pointer,
                args: raw.data.args,
            },
        })
    }

    /// What `poll` says within `timeout` ms (-1: until something happens).
    fn poll(&self, timeout: libc::c_int) -> Result<Ready, Error> {
        let mut pfd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, timeout) };
        if n < 0 {
            return Err(Error::Os(io::Error::last_os_error()));
        }
        // POLLERR alone means the kernel's poll was interrupted: nothing to report.
        Ok(if pfd.revents & libc::POLLIN != 0 {
            Ready::Call
        } else if pfd.revents & libc::POLLHUP != 0 {
            Ready::Hangup
        } else {
            Ready::Empty
        })
    }

    /// Answers a call: the general form of the `respond_*` methods, what [`Supervisor`]
    /// handlers return. For [`Response::Fd`], if the descriptor cannot be put into the
    /// target, the call is failed with the reason's errno and the reason is returned.
    pub fn respond(&self, n: &Notification, response: Response) -> Result<(), Error> {
        match response {
            Response::Errno(e) => self.respond_errno(n, e),
            Response::Value(v) => self.respond_value(n, v),
            Response::Continue => self.continue_(n),
            Response::Fd { fd, flags } => match self.add_fd_and_respond(n, fd.as_fd(), flags) {
                Ok(_) => Ok(()),
                Err(Error::NotificationGone) => Err(Error::NotificationGone),
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(libc::EIO);
                    // If this fails too, the call was answered after all, or is gone.
                    let _ = self.respond_errno(n, errno);
                    Err(e)
                }
            },
        }
    }

    /// The call fails with `errno` (1..=4095; anything else is refused, unsent).
    pub fn respond_errno(&self, n: &Notification, errno: i32) -> Result<(), Error> {
        if !(1..=4095).contains(&errno) {
            return Err(Error::Os(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("errno {errno} is not in 1..=4095"),
            )));
        }
        self.send(n.id, 0, -errno, 0)
    }

    /// The call returns `value`.
    pub fn respond_value(&self, n: &Notification, value: i64) -> Result<(), Error> {
        self.send(n.id, value, 0, 0)
    }

    /// The kernel runs the call as if the filter had allowed it
    /// (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`, Linux 5.5+).
    ///
    /// **Never use this to let through a call you checked.** The kernel reads the call's
    /// memory arguments (a path, a `sockaddr`, an `open_how`) again when it runs the call,
    /// after your check: another thread of the target, or a process sharing the memory,
    /// rewrites them in between (time of check to time of use), and the call acts on
    /// what you did not check. `tests/test_notify_paths.rs` shows a target winning that race
    /// in a handful of tries. Continue only calls whose every argument is a register you
    /// checked (then nothing can change), or where the decision does not matter for
    /// security (tracing, as `scc trace` does); to decide on memory, do the work in the
    /// supervisor and answer with the result, e.g. open the file and inject it
    /// ([`open`]).
    pub fn continue_(&self, n: &Notification) -> Result<(), Error> {
        self.send(n.id, 0, 0, libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32)
    }

    fn send(&self, id: u64, val: i64, error: i32, flags: u32) -> Result<(), Error> {
        let resp = libc::seccomp_notif_resp {
            id,
            val,
            error,
            flags,
        };
        let mut buf = KBuf::zeroed(self.sizes.resp);
        // SAFETY: the buffer is 8-byte aligned and at least size_of::<seccomp_notif_resp>()
        // long; SEND reads the kernel's whole (possibly larger, zero-extended) struct.
        unsafe {
            buf.as_mut_ptr()
                .cast::<libc::seccomp_notif_resp>()
                .write(resp);
            self.ioctl(libc::SECCOMP_IOCTL_NOTIF_SEND, &mut buf)
        }
    }

    /// A notification `ioctl` on a kernel-sized buffer.
    ///
    /// # Safety
    ///
    /// `request` must read or write at most `buf`'s length.
    unsafe fn ioctl(&self, request: libc::Ioctl, buf: &mut KBuf) -> Result<(), Error> {
        // SAFETY: a descriptor we own and a live buffer, as the caller guarantees.
        let r = unsafe { libc::ioctl(self.fd.as_raw_fd(), request, buf.as_mut_ptr()) };
        if r != 0 {
            return Err(notify_error(io::Error::last_os_error()));
        }
        Ok(())
    }

    /// Puts a copy of `fd` (any descriptor of the supervisor) into the target, while the
    /// call waits, and returns its number there (Linux 5.9+). The call still needs an
    /// answer, e.g. [`respond_value`](Self::respond_value) with the number. If the target
    /// is interrupted before that answer, the descriptor stays in it:
    /// [`add_fd_and_respond`](Self::add_fd_and_respond) does both at once.
    pub fn add_fd(
        &self,
        n: &Notification,
        fd: BorrowedFd<'_>,
        flags: AddFd,
    ) -> Result<RawFd, Error> {
        self.addfd(n, fd, flags, 0)
    }

    /// Puts a copy of `fd` into the target and makes the call return its number, in one
    /// step (`SECCOMP_ADDFD_FLAG_SEND`, Linux 5.14+). On an error other than
    /// [`Error::NotificationGone`] the call is still waiting for an answer.
    pub fn add_fd_and_respond(
        &self,
        n: &Notification,
        fd: BorrowedFd<'_>,
        flags: AddFd,
    ) -> Result<RawFd, Error> {
        self.addfd(n, fd, flags, libc::SECCOMP_ADDFD_FLAG_SEND as u32)
    }

    fn addfd(
        &self,
        n: &Notification,
        fd: BorrowedFd<'_>,
        flags: AddFd,
        send: u32,
    ) -> Result<RawFd, Error> {
        let (setfd, newfd) = match flags.at {
            Some(at) => (libc::SECCOMP_ADDFD_FLAG_SETFD as u32, at as u32),
            None => (0, 0),
        };
        let req = libc::seccomp_notif_addfd {
            id: n.id,
            flags: setfd | send,
            srcfd: fd.as_raw_fd() as u32,
            newfd,
            newfd_flags: if flags.cloexec {
                libc::O_CLOEXEC as u32
            } else {
                0
            },
        };
        // SAFETY: ADDFD reads one seccomp_notif_addfd (the size is in the request number).
        let r = unsafe { libc::ioctl(self.fd.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_ADDFD, &req) };
        if r < 0 {
            return Err(notify_error(io::Error::last_os_error()));
        }
        Ok(r)
    }

    /// Whether the call is still pending (`SECCOMP_IOCTL_NOTIF_ID_VALID`): its target is
    /// alive, still in this call, so its `pid` still names it. Check it between reading
    /// anything about the target (its memory, `/proc/PID/...`) and acting on what was
    /// read; [`read_memory`](Self::read_memory) does.
    pub fn id_valid(&self, n: &Notification) -> Result<bool, Error> {
        let id = n.id;
        for request in [libc::SECCOMP_IOCTL_NOTIF_ID_VALID, ID_VALID_WRONG_DIR] {
            // SAFETY: ID_VALID reads one u64 from the pointer.
            let r = unsafe { libc::ioctl(self.fd.as_raw_fd(), request, &id) };
            if r == 0 {
                return Ok(true);
            }
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::ENOENT) => return Ok(false),
                // A kernel that only knows the other request number.
                Some(libc::EINVAL) => continue,
                _ => return Err(Error::Os(e)),
            }
        }
        Err(Error::NotSupported(io::Error::from_raw_os_error(
            libc::EINVAL,
        )))
    }

    /// [`id_valid`](Self::id_valid) as an error: [`Error::NotificationGone`] when not.
    pub(crate) fn check_valid(&self, n: &Notification) -> Result<(), Error> {
        if self.id_valid(n)? {
            Ok(())
        } else {
            Err(Error::NotificationGone)
        }
    }
}

/// The errors of the notification `ioctl`s.
fn notify_error(e: io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::ENOENT) => Error::NotificationGone,
        Some(libc::EAGAIN) => Error::WouldBlock,
        _ => Error::Os(e),
    }
}

impl AsFd for Listener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Listener {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl IntoRawFd for Listener {
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw_fd()
    }
}

impl From<Listener> for OwnedFd {
    fn from(l: Listener) -> OwnedFd {
        l.fd
    }
}
