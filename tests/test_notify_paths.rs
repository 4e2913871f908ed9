//! Path rules through user notification, on the real kernel: the broker pattern of
//! `seccomp_rt::notify::open` (the supervisor opens the file beneath an allowed directory
//! and injects it) against escapes, and against the race that defeats the naive pattern
//! (check the path, then let the call continue).

mod common;
#[path = "notify_common.rs"]
mod notify_common;

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Exit, filter, raw};
use notify_common::*;
use seccomp_rt::Response;
use seccomp_rt::Supervisor;
use seccomp_rt::notify::open::{Access, Allowlist};

/// A fresh directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("seccomp-notify-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, rel: &str, content: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    fn c(&self, rel: &str) -> CString {
        CString::new(self.0.join(rel).as_os_str().as_bytes()).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Counts the times a file is opened, by anyone, from the file's side (inotify `IN_OPEN`).
struct OpenWatch(OwnedFd);

impl OpenWatch {
    fn new(path: &Path) -> OpenWatch {
        // SAFETY: integer flags; a new descriptor on success.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        assert!(fd >= 0, "inotify_init1");
        // SAFETY: inotify_init1 returned a new descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let c = CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid inotify descriptor and NUL-terminated path.
        let w = unsafe { libc::inotify_add_watch(fd.as_raw_fd(), c.as_ptr(), libc::IN_OPEN) };
        assert!(w >= 0, "inotify_add_watch");
        OpenWatch(fd)
    }

    /// The opens seen since the last call.
    fn opens(&self) -> usize {
        let mut count = 0;
        let mut buf = [0u64; 512];
        loop {
            // SAFETY: reading into a live, aligned buffer.
            let n = unsafe {
                libc::read(
                    self.0.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    size_of_val(&buf),
                )
            };
            if n <= 0 {
                return count;
            }
            let bytes = &bytemuck_bytes(&buf)[..n as usize];
            let mut at = 0;
            while at + 16 <= bytes.len() {
                let mask = u32::from_ne_bytes(bytes[at + 4..at + 8].try_into().unwrap());
                let len = u32::from_ne_bytes(bytes[at + 12..at + 16].try_into().unwrap()) as usize;
                if mask & libc::IN_OPEN != 0 {
                    count += 1;
                }
                at += 16 + len;
            }
        }
    }
}

fn bytemuck_bytes(words: &[u64]) -> &[u8] {
    // SAFETY: any u64 is 8 initialised bytes.
    unsafe { std::slice::from_raw_parts(words.as_ptr().cast(), size_of_val(words)) }
}

/// The policy that sends every way of opening a file to the supervisor (names an arch
/// lacks are skipped there); `io_uring` would open files without system calls.
const BROKER_POLICY: &str = "default allow; notify open, openat, openat2, creat; \
                             errno(ENOSYS) io_uring_setup, io_uring_enter, io_uring_register;";

/// The broker opens what lies beneath an allowed directory, with the access it allows,
/// and refuses `..` escapes, symlinks out (relative and absolute), paths elsewhere,
/// writes to a read-only directory; relative paths resolve against the target's working
/// directory and `dirfd`; `O_CLOEXEC` reaches the target. The secret file is never
/// opened, as the file itself sees.
#[test]
fn the_broker_opens_only_beneath_allowed_directories() {
    let d = TempDir::new("broker");
    d.file("allowed/file.txt", "ok");
    d.file("allowed/sub/inner.txt", "inner");
    std::fs::create_dir_all(d.0.join("allowed/rw")).unwrap();
    d.file("secret.txt", "SECRET");
    std::os::unix::fs::symlink("../secret.txt", d.0.join("allowed/link_out")).unwrap();
    std::os::unix::fs::symlink(d.0.join("secret.txt"), d.0.join("allowed/abs_link")).unwrap();
    std::os::unix::fs::symlink("sub/inner.txt", d.0.join("allowed/link_in")).unwrap();
    let secret = OpenWatch::new(&d.0.join("secret.txt"));
    let rules = Allowlist::new()
        .allow(d.0.join("allowed"), Access::Read)
        .unwrap()
        .allow(d.0.join("allowed/rw"), Access::ReadWrite)
        .unwrap();

    let paths = [
        "allowed/file.txt",
        "allowed/sub/../file.txt",
        "allowed/../secret.txt",
        "allowed/link_out",
        "allowed/abs_link",
        "allowed/link_in",
        "secret.txt",
        "allowed/rw/new.txt",
        "allowed/missing",
        "allowed",
        "allowed/sub",
    ]
    .map(|p| d.c(p));
    let rel_inner = c"sub/inner.txt";
    let rel_secret = c"../secret.txt";
    let rel_secret2 = c"../../secret.txt";
    let inner = c"inner.txt";
    let file_slash = d.c("allowed/file.txt/");

    let f = filter(BROKER_POLICY);
    const N: usize = 17;
    let Target {
        pid,
        listener,
        mut ctl,
    } = fork_target(&f, |s| {
        let openat = |dirfd: i32, path: &CStr, flags: i32, mode: u32| {
            raw(
                libc::SYS_openat,
                [
                    dirfd as u64,
                    path.as_ptr() as u64,
                    flags as u64,
                    u64::from(mode),
                    0,
                    0,
                ],
            )
        };
        let cwd = libc::AT_FDCWD;
        let ro = libc::O_RDONLY;
        let mut out = [0i64; 3 * N];
        let mut k = 0;
        let mut rec = |fd: i64| {
            let mut b = [0u8; 8];
            let n = raw(
                libc::SYS_read,
                [fd as u64, b.as_mut_ptr() as u64, 8, 0, 0, 0],
            );
            out[k] = fd;
            out[k + 1] = if n < 0 { n } else { i64::from_le_bytes(b) };
            out[k + 2] = raw(
                libc::SYS_fcntl,
                [fd as u64, libc::F_GETFD as u64, 0, 0, 0, 0],
            );
            k += 3;
        };
        rec(openat(cwd, &paths[0], ro, 0)); // 0
        rec(openat(cwd, &paths[1], ro | libc::O_CLOEXEC, 0)); // 1
        rec(openat(cwd, &paths[2], ro, 0)); // 2
        rec(openat(cwd, &paths[3], ro, 0)); // 3
        rec(openat(cwd, &paths[4], ro, 0)); // 4
        rec(openat(cwd, &paths[5], ro, 0)); // 5
        rec(openat(cwd, &paths[6], ro, 0)); // 6
        rec(openat(cwd, &paths[0], libc::O_WRONLY, 0)); // 7
        let created = openat(
            cwd,
            &paths[7],
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
            0o640,
        );
        // 8: the bytes written through the created file
        rec(raw(
            libc::SYS_write,
            [created as u64, b"made".as_ptr() as u64, 4, 0, 0, 0],
        ));
        rec(openat(cwd, &paths[8], ro, 0)); // 9
        // Relative to the working directory.
        raw(libc::SYS_chdir, [paths[9].as_ptr() as u64, 0, 0, 0, 0, 0]);
        rec(openat(cwd, rel_inner, ro, 0)); // 10
        rec(openat(cwd, rel_secret, ro, 0)); // 11
        // Relative to a directory descriptor the broker handed over.
        let dir = openat(cwd, &paths[10], ro | libc::O_DIRECTORY, 0) as i32;
        rec(openat(dir, inner, ro, 0)); // 12
        rec(openat(dir, rel_secret2, ro, 0)); // 13
        // openat2 from the target: its open_how is read too.
        let how = [libc::O_RDONLY as u64, 0, 0];
        let openat2 = |size: u64| {
            raw(
                libc::SYS_openat2,
                [
                    cwd as u64,
                    paths[0].as_ptr() as u64,
                    how.as_ptr() as u64,
                    size,
                    0,
                    0,
                ],
            )
        };
        rec(openat2(24)); // 14
        rec(openat2(16)); // 15
        rec(openat(cwd, &file_slash, ro, 0)); // 16: a trailing slash on a file
        report(s, &out);
        0
    });
    Supervisor::new(listener)
        .run(|call| rules.respond(call))
        .unwrap();
    let r = read_report(&mut ctl, 3 * N);
    assert_eq!(common::wait(pid, Duration::from_secs(30)), Exit::Code(0));

    let word = |s: &[u8]| {
        let mut b = [0u8; 8];
        b[..s.len()].copy_from_slice(s);
        i64::from_le_bytes(b)
    };
    let eacces = -i64::from(libc::EACCES);
    let opened = |i: usize, content: &[u8], cloexec: bool| {
        assert!(r[3 * i] >= 0, "op {i}: {r:?}");
        assert_eq!(r[3 * i + 1], word(content), "op {i} read");
        assert_eq!(
            r[3 * i + 2],
            if cloexec {
                i64::from(libc::FD_CLOEXEC)
            } else {
                0
            },
            "op {i} cloexec"
        );
    };
    let refused = |i: usize, errno: i64| assert_eq!(r[3 * i], errno, "op {i}: {r:?}");
    opened(0, b"ok", false);
    opened(1, b"ok", true);
    refused(2, eacces); // `..` out of the allowed directory
    refused(3, eacces); // relative symlink out
    refused(4, eacces); // absolute symlink
    opened(5, b"inner", false); // a symlink that stays inside
    refused(6, eacces); // not beneath an allowed directory
    refused(7, eacces); // writing where only reading is allowed
    assert_eq!(
        r[8 * 3],
        4,
        "created in the read-write directory and written"
    );
    refused(9, -i64::from(libc::ENOENT));
    opened(10, b"inner", false);
    refused(11, eacces);
    opened(12, b"inner", false);
    refused(13, eacces);
    opened(14, b"ok", false);
    refused(15, -i64::from(libc::EINVAL)); // open_how too small
    refused(16, -i64::from(libc::ENOTDIR));
    let made = d.0.join("allowed/rw/new.txt");
    assert_eq!(std::fs::read_to_string(&made).unwrap(), "made");
    let mode = std::fs::metadata(&made).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode & !0o640,
        0,
        "created with the target's mode (less the umask): {mode:o}"
    );
    assert_eq!(secret.opens(), 0, "the secret file was never opened");
}

/// `open` and `creat` (x86_64 has them; aarch64 only has `openat`) go through the broker too.
#[cfg(target_arch = "x86_64")]
#[test]
fn open_and_creat_go_through_the_broker_too() {
    let d = TempDir::new("open-creat");
    d.file("ro/file.txt", "ok");
    std::fs::create_dir_all(d.0.join("rw")).unwrap();
    let rules = Allowlist::new()
        .allow(d.0.join("ro"), Access::Read)
        .unwrap()
        .allow(d.0.join("rw"), Access::ReadWrite)
        .unwrap();
    let (file, made, refused) = (d.c("ro/file.txt"), d.c("rw/made.txt"), d.c("ro/made.txt"));
    let Target {
        pid,
        listener,
        mut ctl,
    } = fork_target(&filter(BROKER_POLICY), |s| {
        let p = |c: &CString| c.as_ptr() as u64;
        let a = raw(
            libc::SYS_open,
            [p(&file), libc::O_RDONLY as u64, 0, 0, 0, 0],
        );
        let b = raw(libc::SYS_creat, [p(&made), 0o600, 0, 0, 0, 0]);
        let c = raw(libc::SYS_creat, [p(&refused), 0o600, 0, 0, 0, 0]);
        report(s, &[a, b, c]);
        0
    });
    Supervisor::new(listener)
        .run(|call| rules.respond(call))
        .unwrap();
    let r = read_report(&mut ctl, 3);
    assert_eq!(common::wait(pid, Duration::from_secs(30)), Exit::Code(0));
    assert!(r[0] >= 0 && r[1] >= 0, "{r:?}");
    assert_eq!(
        r[2],
        -i64::from(libc::EACCES),
        "creat writes: refused in a read-only directory"
    );
    assert!(d.0.join("rw/made.txt").exists());
    assert!(!d.0.join("ro/made.txt").exists());
}

/// The race: `DIR/good/file` (content `ok`) may be opened, `DIR/evil/file` (content
/// `SECRET`) may not. In the target, one thread flips the path between the two while
/// another opens it in a loop. Runs `handler` as the supervisor and returns what the
/// target counted (`good`, `secret`, `refused`, `attempts`) and how many times the evil
/// file was opened, as inotify saw it.
fn race(
    name: &str,
    attempts: u64,
    stop_at_first: bool,
    handler: impl Fn(&seccomp_rt::Call<'_>, &Path) -> Response + Sync,
) -> ([u64; 4], usize) {
    let d = TempDir::new(name);
    d.file("good/file", "ok");
    d.file("evil/file", "SECRET");
    let evil = OpenWatch::new(&d.0.join("evil/file"));
    let arg = format!("{},{attempts},{}", d.0.display(), u8::from(stop_at_first));
    let mut h = helper("toctou", BROKER_POLICY, &arg);
    let dir = d.0.clone();
    Supervisor::new(h.listener())
        .run(|call| handler(call, &dir))
        .unwrap();
    let (exit, out) = h.finish();
    assert_eq!(exit, Exit::Code(0), "{out}");
    let mut counts = [0u64; 4];
    for (slot, field) in counts.iter_mut().zip(out.split_whitespace()) {
        *slot = field
            .split_once('=')
            .and_then(|(_, v)| v.parse().ok())
            .expect("a count");
    }
    (counts, evil.opens())
}

/// With the broker, the path is read once and the file opened by the supervisor from
/// that copy: whatever the flipping thread does, the evil file is never opened (inotify
/// sees no open) and never read. Both outcomes of the race happen (some opens see `good`,
/// some `evil` and are refused), so the flipping really raced the checks.
#[test]
fn toctou_with_fd_injection_the_forbidden_file_is_never_opened() {
    let (counts, evil_opens) = race("toctou-inject", 3000, false, |call, dir| {
        let rules = Allowlist::new()
            .allow(dir.join("good"), Access::Read)
            .unwrap();
        rules.respond(call)
    });
    let [good, secret, refused, attempts] = counts;
    assert_eq!(attempts, 3000);
    assert_eq!(secret, 0, "the target never read the secret");
    assert_eq!(evil_opens, 0, "nobody ever opened the evil file");
    println!("broker: {counts:?}");
    assert!(
        good > 0 && refused > 0,
        "the race ran both ways: {counts:?}"
    );
}

/// The naive pattern loses: the supervisor reads the path, sees `good`, and answers
/// `continue`; the kernel then reads the path *again* to run the call, and by then the
/// flipping thread has made it `evil`. Within a bounded number of tries (it usually takes
/// a handful) the target reads the secret, and inotify sees the evil file opened. This is
/// why `Listener::continue_` must never carry a decision about memory.
#[test]
fn toctou_with_continue_the_forbidden_file_is_opened() {
    let (counts, evil_opens) = race("toctou-continue", 200_000, true, |call, dir| {
        let allowed = dir.join("good");
        match call.read_cstr(call.args()[1], 4095) {
            Ok(p) if Path::new(std::ffi::OsStr::from_bytes(p.as_bytes())).starts_with(&allowed) => {
                Response::Continue
            }
            _ => Response::Errno(libc::EACCES),
        }
    });
    let [_, secret, _, attempts] = counts;
    assert!(
        secret >= 1,
        "the target won the race within {attempts} tries: {counts:?}"
    );
    assert!(evil_opens >= 1, "the evil file was opened");
    println!("the naive pattern lost after {attempts} tries");
}
