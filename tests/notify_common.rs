//! What the user-notification tests share: targets that send their listener here.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{self, Exit, raw};
use seccomp_rt::notify::{recv_fd, send_fd};
use seccomp_rt::{Filter, Install, Listener};

/// A single-threaded target: a forked child under a notifying filter.
pub struct Target {
    pub pid: libc::pid_t,
    pub listener: Listener,
    /// Our end of the socket the listener came over; the child reads go-signals from and
    /// writes results to its end.
    pub ctl: UnixStream,
}

/// Forks a child that installs `filter` with a listener, sends the listener here, closes
/// its own copy and runs `body` (raw syscalls only, no allocation; its argument is the
/// child's end of the socket), whose return value is its exit code.
pub fn fork_target(filter: &Filter, body: impl FnOnce(RawFd) -> i32) -> Target {
    fork_target_with(filter.installer(), body)
}

/// [`fork_target`] with installation options.
pub fn fork_target_with(install: Install<'_>, body: impl FnOnce(RawFd) -> i32) -> Target {
    let (mine, theirs) = UnixStream::pair().expect("socket pair");
    // SAFETY: the child runs only raw syscalls and code that does not allocate, then
    // `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        let s = theirs.as_raw_fd();
        // Keep only the socket: a copy of another test's listener held here would keep
        // that listener open after its test dropped it.
        // SAFETY: closing descriptor ranges of this child.
        unsafe {
            libc::syscall(libc::SYS_close_range, 3u32, (s - 1) as u32, 0u32);
            libc::syscall(libc::SYS_close_range, (s + 1) as u32, u32::MAX, 0u32);
        }
        // SAFETY: `s` stays open until `_exit`.
        let sock = unsafe { BorrowedFd::borrow_raw(s) };
        let code = match install.new_listener() {
            Ok(l) => match send_fd(sock, &l, b"L") {
                Ok(()) => {
                    drop(l);
                    body(s)
                }
                Err(_) => 201,
            },
            Err(_) => 200,
        };
        // SAFETY: leaving the child without running the runner's code.
        unsafe { libc::_exit(code) }
    }
    drop(theirs);
    let (fd, _) = recv_fd(&mine, &mut [0u8; 1]).expect("the child sends its listener");
    Target {
        pid,
        listener: Listener::from_fd(fd).expect("a seccomp listener"),
        ctl: mine,
    }
}

impl Target {
    /// Lets the child go on past a `wait_go`.
    pub fn go(&mut self) {
        self.ctl.write_all(b"g").expect("go");
    }

    pub fn wait(&self) -> Exit {
        common::wait(self.pid, Duration::from_secs(30))
    }
}

/// In the child: blocks until the test sends a byte.
pub fn wait_go(s: RawFd) {
    let mut b = 0u8;
    // SAFETY: reading one byte into a local.
    unsafe { libc::read(s, (&mut b as *mut u8).cast(), 1) };
}

/// In the child: sends `words` to the test.
pub fn report(s: RawFd, words: &[i64]) {
    // SAFETY: writing a live slice.
    unsafe { libc::write(s, words.as_ptr().cast(), size_of_val(words)) };
}

/// Reads `n` words a child sent with `report`.
pub fn read_report(ctl: &mut UnixStream, n: usize) -> Vec<i64> {
    let mut buf = vec![0u8; n * 8];
    ctl.read_exact(&mut buf).expect("the child's report");
    buf.chunks_exact(8)
        .map(|c| i64::from_ne_bytes(c.try_into().unwrap()))
        .collect()
}

pub fn getppid_with(a0: u64, a1: u64) -> i64 {
    raw(libc::SYS_getppid, [a0, a1, 0, 0, 0, 0])
}

/// Waits until a call is queued on the listener (poll, as an event loop would).
pub fn wait_readable(l: &Listener) {
    let mut pfd = libc::pollfd {
        fd: l.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut pfd, 1, 10_000) };
    assert_eq!(n, 1, "a call is queued within 10 s");
    assert_ne!(pfd.revents & libc::POLLIN, 0);
}

/// A pipe's read end with `content` in it (write end closed): what a supervisor injects.
pub fn pipe_with(content: &[u8]) -> OwnedFd {
    let mut fds = [0; 2];
    // SAFETY: a valid array of two ints.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: pipe2 returned two new descriptors nobody else owns.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    std::fs::File::from(w).write_all(content).unwrap();
    r
}

/// A threaded target (`seccomp-notify-target`), with its listener until taken.
pub struct Helper {
    pub child: std::process::Child,
    pub listener: Option<Listener>,
    pub ctl: UnixStream,
}

/// Starts `seccomp-notify-target SCENARIO HEX ARG` under `policy` and receives its listener.
pub fn helper(scenario: &str, policy: &str, arg: &str) -> Helper {
    let hex: String = seccomp_dsl::bpf::to_bytes(&common::compile(policy))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (mine, theirs) = UnixStream::pair().expect("socket pair");
    let fd = theirs.as_raw_fd();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seccomp-notify-target"));
    cmd.args([scenario, &hex, arg])
        .stdout(Stdio::piped())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE");
    // SAFETY: between fork and exec, only dup2/fcntl on descriptors we own.
    unsafe {
        cmd.pre_exec(move || {
            let r = if fd == 3 {
                libc::fcntl(3, libc::F_SETFD, 0)
            } else {
                libc::dup2(fd, 3)
            };
            if r < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().expect("start the helper");
    drop(theirs);
    let (fd, _) = recv_fd(&mine, &mut [0u8; 1]).expect("the helper sends its listener");
    Helper {
        child,
        listener: Some(Listener::from_fd(fd).expect("a listener")),
        ctl: mine,
    }
}

impl Helper {
    pub fn listener(&mut self) -> Listener {
        self.listener.take().expect("the listener, once")
    }

    /// Waits (at most 60 s) for the helper; its exit and standard output.
    pub fn finish(mut self) -> (Exit, String) {
        let pid = self.child.id() as libc::pid_t;
        let mut out = String::new();
        let mut stdout = self.child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            stdout.read_to_string(&mut out).unwrap();
            out
        });
        let exit = common::wait(pid, Duration::from_secs(60));
        (exit, reader.join().unwrap())
    }
}
