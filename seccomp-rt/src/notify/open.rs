//! Path rules done right: the supervisor opens the file itself and hands it over.
//!
//! A filter cannot see a path, only its address. The tempting supervisor reads the path
//! from the target's memory, checks it, and lets the call [continue](super::Listener::continue_):
//! but the kernel reads the path *again* when the call runs, and another thread of the
//! target has rewritten it in between (`tests/test_notify_paths.rs` shows it happening within
//! a few tries). The safe pattern:
//!
//! 1. notify `open`, `openat`, `openat2` and `creat` (and refuse `io_uring_setup`,
//!    which opens files without system calls);
//! 2. read the path **once** ([`OpenRequest::read`]): from then on only the
//!    supervisor's copy counts, whatever the target does to its memory;
//! 3. decide on that copy with an [`Allowlist`] of directories, and open it **in the
//!    supervisor**, with `openat2` from the allowed directory's descriptor and
//!    `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`, so the kernel itself refuses `..` and
//!    symlinks that lead out of it, even ones created after the check;
//! 4. put the opened file into the target and answer with its number in one step
//!    ([`Response::Fd`], `SECCOMP_ADDFD_FLAG_SEND`).
//!
//! The target never opens anything: it only receives files the supervisor opened after
//! checking. ([`Allowlist::respond`] is the whole pattern as a [`Supervisor`](super::Supervisor) handler.)
//!
//! What it does not change: the file is opened with the *supervisor's* credentials (so a
//! supervisor must not be more privileged than the allowlist means to grant; create
//! files as it), and other calls that take paths (`stat`, `unlink`, `execve`, `mkdir`,
//! ...) need rules of their own. Opening a FIFO blocks the worker until a writer comes:
//! use several [`workers`](super::Supervisor::workers).

use std::ffi::{CString, OsStr};
use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use super::{AddFd, Call, Response};
use crate::Error;

/// Longest path the kernel takes, without the NUL (`PATH_MAX` - 1).
const PATH_MAX: usize = 4095;

/// `struct open_how` (libc's cannot be built: it is `non_exhaustive`).
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// The size of `struct open_how` as this code knows it.
const OPEN_HOW_SIZE: usize = size_of::<OpenHow>();

/// What an `open`, `openat`, `openat2` or `creat` call asks for, as the supervisor read it
/// once: the target cannot change it any more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenRequest {
    /// The path made absolute: a relative path is joined to the target's working
    /// directory or to its `dirfd`'s path (from `/proc/PID/cwd`, `/proc/PID/fd/N`), not
    /// normalised (`..` is left for the kernel to refuse).
    pub path: PathBuf,
    /// `O_*` flags (`openat2`'s `how.flags`; `O_CREAT | O_WRONLY | O_TRUNC` for `creat`).
    pub flags: u64,
    /// The mode for a created file.
    pub mode: u64,
    /// `RESOLVE_*` flags the target itself asked for (`openat2` only).
    pub resolve: u64,
}

impl OpenRequest {
    /// Decodes the call if it is a native `open`, `openat`, `openat2` or `creat` (else
    /// `Ok(None)`), reading its path, and `open_how`, from the target, then checking the
    /// call is still pending. Errors carry the errno the call should fail with
    /// (`ENAMETOOLONG`, `EFAULT`, `ENOENT` for an empty path, `E2BIG`, ...).
    pub fn read(call: &Call<'_>) -> Result<Option<OpenRequest>, Error> {
        let data = &call.notification.data;
        if Some(data.arch) != crate::syscalls::native_audit_arch() {
            return Ok(None);
        }
        let a = data.args;
        // int arguments: the low 32 bits, sign-extended where signed, as the kernel reads them.
        let int = |v: u64| v as u32 as i32;
        let uint = |v: u64| u64::from(v as u32);
        let (dirfd, path_addr, flags, mode, resolve) = match call.syscall_name() {
            Some("open") => (libc::AT_FDCWD, a[0], uint(a[1]), uint(a[2]), 0),
            Some("creat") => (
                libc::AT_FDCWD,
                a[0],
                (libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC) as u64,
                uint(a[1]),
                0,
            ),
            Some("openat") => (int(a[0]), a[1], uint(a[2]), uint(a[3]), 0),
            Some("openat2") => {
                let how = read_open_how(call, a[2], a[3])?;
                (int(a[0]), a[1], how[0], how[1], how[2])
            }
            _ => return Ok(None),
        };
        let raw = call.read_cstr(path_addr, PATH_MAX)?;
        if raw.as_bytes().is_empty() {
            return Err(errno(libc::ENOENT));
        }
        let given = Path::new(OsStr::from_bytes(raw.as_bytes()));
        let path = if given.is_absolute() {
            given.to_path_buf()
        } else {
            let pid = call.pid();
            let link = if dirfd == libc::AT_FDCWD {
                format!("/proc/{pid}/cwd")
            } else {
                format!("/proc/{pid}/fd/{dirfd}")
            };
            let base = std::fs::read_link(&link).map_err(|e| match e.raw_os_error() {
                Some(libc::ENOENT) if dirfd != libc::AT_FDCWD => errno(libc::EBADF),
                _ => Error::Os(e),
            })?;
            // A socket, pipe or anonymous inode has no path to resolve beneath.
            if !base.is_absolute() {
                return Err(errno(libc::ENOTDIR));
            }
            // What /proc said is about this target only while its call is pending.
            call.listener().check_valid(&call.notification)?;
            base.join(given)
        };
        Ok(Some(OpenRequest {
            path,
            flags,
            mode,
            resolve,
        }))
    }

    /// Whether the target asked for close-on-exec (`O_CLOEXEC`), which its descriptor
    /// must get ([`AddFd::cloexec`]): the supervisor's own flag does not travel.
    pub fn cloexec(&self) -> bool {
        self.flags & libc::O_CLOEXEC as u64 != 0
    }

    /// Whether the call can change the file system: writing, creating, truncating.
    pub fn writes(&self) -> bool {
        let f = self.flags as libc::c_int;
        f & libc::O_ACCMODE != libc::O_RDONLY
            || f & (libc::O_CREAT | libc::O_TRUNC) != 0
            || f & libc::O_TMPFILE == libc::O_TMPFILE
    }
}

/// `openat2`'s `struct open_how` (`flags`, `mode`, `resolve`), read with the kernel's
/// rules for extensible structs: at least 24 bytes, any extra bytes zero.
fn read_open_how(call: &Call<'_>, addr: u64, size: u64) -> Result<[u64; 3], Error> {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size < OPEN_HOW_SIZE {
        return Err(errno(libc::EINVAL));
    }
    if size > 4096 {
        return Err(errno(libc::E2BIG));
    }
    let mut buf = vec![0u8; size];
    if call.read_memory(addr, &mut buf)? < size {
        return Err(errno(libc::EFAULT));
    }
    if buf[OPEN_HOW_SIZE..].iter().any(|&b| b != 0) {
        return Err(errno(libc::E2BIG));
    }
    let word = |i: usize| u64::from_ne_bytes(buf[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    Ok([word(0), word(1), word(2)])
}

fn errno(e: i32) -> Error {
    Error::Os(io::Error::from_raw_os_error(e))
}

/// What an allowlisted directory permits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Opening for reading (and `O_PATH`).
    Read,
    /// Also writing, creating and truncating.
    ReadWrite,
}

/// Why an open was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// The path is not beneath any allowed directory (`EACCES`).
    NotAllowed,
    /// The path leads out of its allowed directory, through `..` or a symlink (`EACCES`;
    /// a `/proc` magic link fails with `ELOOP`).
    Escapes,
    /// The directory is allowed for reading only (`EACCES`).
    ReadOnly,
    /// The open itself failed with this errno (`ENOENT`, `EISDIR`, ...).
    Failed(i32),
}

impl Denied {
    /// The errno the call fails with.
    pub fn errno(self) -> i32 {
        match self {
            Denied::NotAllowed | Denied::Escapes | Denied::ReadOnly => libc::EACCES,
            Denied::Failed(e) => e,
        }
    }
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Denied::NotAllowed => f.write_str("not beneath an allowed directory"),
            Denied::Escapes => f.write_str("leads out of its allowed directory"),
            Denied::ReadOnly => f.write_str("the directory is allowed for reading only"),
            Denied::Failed(e) => write!(f, "{}", io::Error::from_raw_os_error(*e)),
        }
    }
}

/// One allowed directory.
#[derive(Debug)]
struct Root {
    /// The paths a request may name it by: as given, and canonical (`/lib` and
    /// `/usr/lib` on a merged-`/usr` system).
    prefixes: Vec<PathBuf>,
    /// Opened once, when allowed: what every open beneath it starts from.
    dir: OwnedFd,
    access: Access,
}

/// Directories beneath which a target may open files, opened by the supervisor.
#[derive(Debug, Default)]
pub struct Allowlist {
    roots: Vec<Root>,
}

impl Allowlist {
    /// An empty allowlist: every open is refused.
    pub fn new() -> Allowlist {
        Allowlist::default()
    }

    /// Allows files beneath `dir` (which must be an absolute path to a directory; it is
    /// opened now, following symlinks: the supervisor trusts its own configuration).
    /// Where allowed directories nest, the innermost decides.
    pub fn allow(mut self, dir: impl AsRef<Path>, access: Access) -> io::Result<Allowlist> {
        let given = dir.as_ref();
        if !given.is_absolute() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{}: an allowed directory must be an absolute path",
                    given.display()
                ),
            ));
        }
        let c = CString::new(given.as_os_str().as_bytes())?;
        // SAFETY: a NUL-terminated path; integer flags.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            let e = io::Error::last_os_error();
            return Err(io::Error::new(
                e.kind(),
                format!("{}: {e}", given.display()),
            ));
        }
        // SAFETY: open returned a new descriptor that nothing else owns.
        let dir = unsafe { OwnedFd::from_raw_fd(fd) };
        let canonical = std::fs::read_link(format!("/proc/self/fd/{fd}"))?;
        let mut prefixes = vec![normal(given)];
        if canonical != prefixes[0] {
            prefixes.push(canonical);
        }
        self.roots.push(Root {
            prefixes,
            dir,
            access,
        });
        Ok(self)
    }

    /// Decides on `req` and, if allowed, opens the file: beneath the innermost allowed
    /// directory whose path prefixes `req.path`, with `openat2` and `RESOLVE_BENEATH |
    /// RESOLVE_NO_MAGICLINKS` from its descriptor, so the kernel refuses whatever leads
    /// out of it. The descriptor is the supervisor's (close-on-exec); hand it over with
    /// [`Response::Fd`].
    pub fn open(&self, req: &OpenRequest) -> Result<OwnedFd, Denied> {
        let (root, rest) = self
            .roots
            .iter()
            .flat_map(|r| r.prefixes.iter().map(move |p| (r, p)))
            .filter_map(|(r, p)| Some((r, req.path.strip_prefix(p).ok()?, p)))
            .max_by_key(|(_, _, p)| p.components().count())
            .map(|(r, rest, _)| (r, rest))
            .ok_or(Denied::NotAllowed)?;
        if req.writes() && root.access != Access::ReadWrite {
            return Err(Denied::ReadOnly);
        }
        let rest: &Path = if rest.as_os_str().is_empty() {
            Path::new(".")
        } else {
            rest
        };
        let mut rest = rest.as_os_str().as_bytes().to_vec();
        // `Path` drops a trailing slash, which means "must be a directory".
        if req.path.as_os_str().as_bytes().ends_with(b"/") {
            rest.push(b'/');
        }
        let rest = CString::new(rest).map_err(|_| Denied::Failed(libc::EINVAL))?;
        let creates = req.flags & (libc::O_CREAT as u64) != 0
            || req.flags & (libc::O_TMPFILE as u64) == libc::O_TMPFILE as u64;
        let how = OpenHow {
            flags: (req.flags & !(libc::O_LARGEFILE as u64)) | libc::O_CLOEXEC as u64,
            mode: if creates { req.mode & 0o7777 } else { 0 },
            resolve: libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS | req.resolve,
        };
        // SAFETY: openat2 reads a NUL-terminated path and one open_how of the given size.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                root.dir.as_raw_fd(),
                rest.as_ptr(),
                &how as *const OpenHow,
                OPEN_HOW_SIZE,
            )
        };
        if fd < 0 {
            let e = io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO);
            return Err(match e {
                // RESOLVE_BENEATH: `..` or a symlink out (a magic link is ELOOP).
                libc::EXDEV => Denied::Escapes,
                e => Denied::Failed(e),
            });
        }
        // SAFETY: openat2 returned a new descriptor that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as libc::c_int) })
    }

    /// The whole pattern, as a [`Supervisor`](super::Supervisor) handler: reads the
    /// request, opens it if allowed and answers with the descriptor, or with the errno
    /// (`ENOSYS` for a call that is not an open).
    pub fn respond(&self, call: &Call<'_>) -> Response {
        match OpenRequest::read(call) {
            Ok(Some(req)) => match self.open(&req) {
                Ok(fd) => Response::Fd {
                    fd,
                    flags: AddFd::new().cloexec(req.cloexec()),
                },
                Err(denied) => Response::Errno(denied.errno()),
            },
            Ok(None) => Response::Errno(libc::ENOSYS),
            Err(e) => Response::Errno(e.raw_os_error().unwrap_or(libc::EACCES)),
        }
    }
}

/// `path` without `.` components and repeated slashes (`..` is kept), as
/// `Path::strip_prefix` compares.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .collect()
}
