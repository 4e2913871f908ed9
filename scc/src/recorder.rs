//! The container recorder: a background process that listens on a unix socket for the
//! runtime (its profile's `listenerPath`), receives the container's user-notification
//! listener with the container's state, records every call of every process and thread
//! of the container and lets it run, as `scc trace` does, then writes the profile.
//!
//! The runtime connects once when it creates the container and once per `exec` into it
//! (each exec'd process gets its own filter and listener), so the recorder accepts until
//! the container's first process is gone. It writes the profile when that process calls
//! `exit_group`, before answering it: the container has not exited yet, so by the time
//! `podman run`/`docker run`/`runc run` returns, the file is there. Calls still made
//! while the container is torn down are added by a second write.

use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use seccomp_dsl::Arch;
use seccomp_scc::recording::container::{self, Format};
use seccomp_scc::recording::{ArgMode, Recording};
use serde_json::Value;

use crate::hook::Log;
use seccomp_rt::Listener;

/// How long the recorder waits for the runtime to connect before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest container state message read (runc sends a few hundred bytes).
const MAX_STATE: usize = 1 << 20;

/// Where the recorded profile goes: created (empty, hidden, beside it) when the request
/// is checked, so an unwritable path is found before the container starts; renamed over
/// the output when written.
pub struct Output {
    path: PathBuf,
    tmp: PathBuf,
    format: Format,
}

impl Output {
    pub fn create(path: &Path, format: Format) -> io::Result<Output> {
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        let tmp = path.with_file_name(format!(
            ".{}.scc-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        Ok(Output {
            path: path.to_path_buf(),
            tmp,
            format,
        })
    }

    /// Writes through a new temporary file (never an existing one: in a directory others
    /// can write, it could be a symlink planted there) and a rename.
    fn write(&self, text: &str) -> io::Result<()> {
        use std::io::Write;
        let mut f = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.tmp)
        {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // Ours, still there from `create`: removed, not followed.
                std::fs::remove_file(&self.tmp)?;
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&self.tmp)?
            }
            r => r?,
        };
        f.write_all(text.as_bytes())?;
        std::fs::rename(&self.tmp, &self.path)
    }

    fn discard(&self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Binds a socket in a new private directory, starts the recorder in the background
/// (detached: its own session, standard streams on /dev/null, not our child) and
/// returns the socket's path for the profile's `listenerPath`.
pub fn start(arch: Arch, base: Recording, output: Output, log: &Log) -> Result<PathBuf, String> {
    let dir = socket_dir().map_err(|e| {
        output.discard();
        format!("cannot create a directory for the recorder's socket: {e}")
    })?;
    let path = dir.join("listener.sock");
    let sock = UnixListener::bind(&path).map_err(|e| {
        output.discard();
        let _ = std::fs::remove_dir(&dir);
        format!("cannot listen on {}: {e}", path.display())
    })?;
    // SAFETY: this process is single-threaded here (the hook and the runtime wrapper start
    // no thread), so the child may allocate and run any code.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        output.discard();
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&dir);
        return Err(format!(
            "cannot start the recorder: {}",
            io::Error::last_os_error()
        ));
    }
    if pid == 0 {
        // SAFETY: a new session, then a second fork so that the recorder is nobody's
        // child here (runc reaps every child it has); the middle process leaves at once.
        unsafe {
            libc::setsid();
            if libc::fork() != 0 {
                libc::_exit(0);
            }
        }
        detach_stdio();
        close_other_fds(sock.as_raw_fd());
        let r = Recorder {
            arch,
            base,
            output,
            log: log.clone(),
            recording: Recording::default(),
            last: None,
        };
        r.run(sock, &path);
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&dir);
        // SAFETY: ending the recorder without running the hook's code after this point.
        unsafe { libc::_exit(0) };
    }
    let mut st = 0;
    // SAFETY: reaping the middle process, our child.
    unsafe { libc::waitpid(pid, &mut st, 0) };
    Ok(path)
}

/// A new directory only we can enter, for the socket: under `$XDG_RUNTIME_DIR`, `/run`
/// or the temp dir, the first that works (rootless runtimes cannot write `/run`).
fn socket_dir() -> io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("scc-trace-{}-{nanos}", std::process::id());
    let mut last = io::Error::other("no directory to try");
    let bases = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/run"), std::env::temp_dir()]);
    for base in bases {
        let dir = base.join(&name);
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Standard input, output and error on /dev/null: the hook's caller reads our output
/// to its end, which must come now, not when the container exits.
fn detach_stdio() {
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for fd in 0..3 {
            // SAFETY: dup2 onto the standard descriptors from a valid one.
            unsafe { libc::dup2(null.as_raw_fd(), fd) };
        }
    }
}

/// Closes every descriptor above the standard ones but `keep`: the recorder must not hold
/// what its parent was given (a runtime wrapper inherits the container's pipes from
/// containerd's shim, whose readers wait for them to close).
fn close_other_fds(keep: i32) {
    let fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    for fd in fds {
        if fd > 2 && fd != keep {
            // SAFETY: closing a descriptor nothing in this process uses any more (the
            // directory's own descriptor is closed already, and closing it twice is EBADF).
            unsafe { libc::close(fd) };
        }
    }
}

/// One listener the runtime handed us.
struct Connection {
    listener: Listener,
    /// The container's first process's (not an `exec`'s).
    init: bool,
}

struct Recorder {
    arch: Arch,
    /// The `if:` input and the container's command.
    base: Recording,
    output: Output,
    log: Log,
    recording: Recording,
    /// The text last written.
    last: Option<String>,
}

impl Recorder {
    fn run(mut self, sock: UnixListener, path: &Path) {
        let started = Instant::now();
        if let Err(e) = sock.set_nonblocking(true) {
            self.log.warn(&format!("the recorder cannot listen: {e}"));
            return self.output.discard();
        }
        let mut sock = Some(sock);
        let mut listeners: Vec<Connection> = Vec::new();
        let mut init_pid = None;
        let exit_group = self.arch.syscall("exit_group").map(|s| s.nr);
        loop {
            let mut pfds: Vec<libc::pollfd> = sock
                .iter()
                .map(|s| s.as_raw_fd())
                .chain(listeners.iter().map(|l| l.listener.as_raw_fd()))
                .map(|fd| libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            // SAFETY: a valid array of pollfds.
            let n = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, 1000) };
            if n < 0 {
                if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                self.log.warn(&format!(
                    "the recorder for {} failed: {}",
                    self.output.path.display(),
                    io::Error::last_os_error()
                ));
                break;
            }
            if listeners.is_empty() && init_pid.is_none() && started.elapsed() > CONNECT_TIMEOUT {
                self.log.warn(&format!(
                    "no container connected to {} within {} s: nothing recorded for {}",
                    path.display(),
                    CONNECT_TIMEOUT.as_secs(),
                    self.output.path.display()
                ));
                break;
            }
            let mut revents = pfds.iter().map(|p| p.revents);
            if let Some(s) = &sock {
                if revents.next().unwrap_or(0) & libc::POLLIN != 0 {
                    while let Ok((conn, _)) = s.accept() {
                        match receive(conn) {
                            Ok((pid, listener)) => {
                                // An optimisation (Linux 6.6+); our own poll waits, so
                                // `recv` must never block.
                                let _ = listener.set_sync_wake_up(true);
                                if let Err(e) = listener.set_nonblocking(true) {
                                    self.log.warn(&format!("a listener: {e}"));
                                    continue;
                                }
                                let init = init_pid.is_none();
                                if init {
                                    init_pid = Some(pid.unwrap_or(0));
                                }
                                listeners.push(Connection { listener, init });
                            }
                            Err(e) => self.log.warn(&format!(
                                "a connection to {} brought no listener: {e}",
                                path.display()
                            )),
                        }
                    }
                }
            }
            let mut gone = Vec::new();
            for (i, (l, ev)) in listeners.iter().zip(revents).enumerate() {
                if ev & libc::POLLIN != 0 {
                    let call = match l.listener.recv() {
                        Ok(call) => call,
                        Err(seccomp_rt::Error::NoTargets) => {
                            gone.push(i);
                            continue;
                        }
                        // The caller died before we took it, or another wake-up.
                        Err(_) => continue,
                    };
                    let nr = call.data.nr as u32;
                    self.recording
                        .record(call.data.arch, nr, &call.data.args, ArgMode::Enums);
                    let last_call = Some(call.pid) == init_pid
                        && Some(nr) == exit_group
                        && call.data.arch == self.arch.audit_arch();
                    if last_call {
                        self.write();
                    }
                    // Recording, not deciding (the target may have died meanwhile).
                    let _ = l.listener.continue_(&call);
                } else if ev & (libc::POLLHUP | libc::POLLERR) != 0 {
                    gone.push(i);
                }
            }
            for i in gone.into_iter().rev() {
                if listeners.remove(i).init {
                    // The container is gone: no exec can come any more.
                    sock = None;
                    let _ = std::fs::remove_file(path);
                }
            }
            if init_pid.is_some() && listeners.is_empty() {
                break;
            }
        }
        if init_pid.is_some() {
            self.write();
        } else {
            self.output.discard();
        }
    }

    /// Writes the profile (the `if:` input and what was recorded) unless it is what was
    /// written last.
    fn write(&mut self) {
        let mut all = self.base.clone();
        all.merge(&self.recording);
        container::add_runtime_calls(&mut all, self.arch);
        let text = match container::render(&all, self.output.format) {
            Ok(t) => t,
            Err(e) => {
                self.log
                    .warn(&format!("{}: {e}", self.output.path.display()));
                return;
            }
        };
        if self.last.as_ref() == Some(&text) {
            return;
        }
        match self.output.write(&text) {
            Ok(()) => self.last = Some(text),
            Err(e) => self
                .log
                .warn(&format!("cannot write {}: {e}", self.output.path.display())),
        }
    }
}

/// Reads what the runtime sends on connecting: the container's state (JSON, runtime-spec
/// `ContainerProcessState`) with the listener fd (`SCM_RIGHTS`). Returns the container's
/// first process's pid (`state.pid`) and the listener.
fn receive(conn: UnixStream) -> io::Result<(Option<u32>, Listener)> {
    conn.set_nonblocking(false)?;
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut buf = vec![0u8; 64 << 10];
    let (fd, n) = seccomp_rt::notify::recv_fd(&conn, &mut buf).map_err(io::Error::from)?;
    let fd = Listener::from_fd(fd).map_err(io::Error::from)?;
    let mut data = buf[..n].to_vec();
    // One message in practice; read on if the JSON was split.
    let state = loop {
        if let Ok(v) = serde_json::from_slice::<Value>(&data) {
            break v;
        }
        let mut more = [0u8; 4096];
        match (&conn).read(&mut more) {
            Ok(0) | Err(_) => return Ok((None, fd)),
            Ok(k) if data.len() + k <= MAX_STATE => data.extend_from_slice(&more[..k]),
            Ok(_) => return Ok((None, fd)),
        }
    };
    let pid = state
        .get("state")
        .and_then(|s| s.get("pid"))
        .and_then(Value::as_u64)
        .and_then(|p| u32::try_from(p).ok());
    Ok((pid, fd))
}
