//! What a notified call costs: the round trip from a target's system call to a supervisor
//! and back, against the same call without a filter.
//!
//! ```text
//! cargo run --release -p examples --bin notify_bench -- [CALLS] [RUNS]   # default 100000 7
//! ```
//!
//! Each scenario forks a child that installs its filter (with a listener sent back to
//! this process, the supervisor) and times a loop of CALLS raw calls itself; the table
//! shows the best and the median of RUNS runs, per call. `getppid` is the cheapest
//! syscall, so its figures are the cost of the round trip; `openat`+`close` of a small
//! file compares the path broker (read the path, `openat2` beneath an allowed directory,
//! inject with `SECCOMP_ADDFD_FLAG_SEND`) with opening directly.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::time::Instant;

use examples::{fork_supervised, getppid_with, wait};
use seccomp_rt::notify::open::{Access, Allowlist};
use seccomp_rt::{Error, Filter, Listener, Response, Supervisor, seccomp_policy};

static ALLOW_ALL: Filter = seccomp_policy! { default allow; };
static NOTIFY_GETPPID: Filter = seccomp_policy! { default allow; notify getppid; };
// Measures `openat` alone, which is all the benchmark calls; the lint's advice to
// notify `open` and `openat2` too is for policies that enforce something.
#[allow(deprecated)]
static NOTIFY_OPEN: Filter = seccomp_policy! { default allow; notify openat; };

/// What the target's loop calls.
#[derive(Clone, Copy)]
enum Work {
    Getppid,
    /// `openat(path, O_RDONLY | O_CLOEXEC)` then `close`.
    Open(*const libc::c_char),
}

impl Work {
    /// Runs `calls` of it; the nanoseconds it took.
    fn time(self, calls: u64) -> u64 {
        let start = Instant::now();
        for i in 0..calls {
            match self {
                Work::Getppid => {
                    getppid_with(i);
                }
                // SAFETY: a NUL-terminated path that outlives the loop; closing what it opened.
                Work::Open(path) => unsafe {
                    let fd = libc::openat(libc::AT_FDCWD, path, libc::O_RDONLY | libc::O_CLOEXEC);
                    assert!(fd >= 0, "open: {}", std::io::Error::last_os_error());
                    libc::close(fd);
                },
            }
        }
        start.elapsed().as_nanos() as u64
    }
}

/// How the supervisor answers.
enum Serve<'a> {
    /// A `recv` + `respond_value` loop on the bare listener.
    Value { sync_wake_up: bool },
    /// A `recv` + `continue_` loop.
    Continue,
    /// `Supervisor::run` with one worker, answering a value.
    Supervisor,
    /// `Supervisor::run` with the path broker.
    Broker(&'a Allowlist),
}

fn serve(listener: Listener, how: &Serve<'_>) -> Result<(), Error> {
    let value_loop = |l: &Listener, cont: bool| loop {
        let n = match l.recv() {
            Ok(n) => n,
            Err(Error::NoTargets) => return Ok(()),
            Err(e) => return Err(e),
        };
        if cont {
            l.continue_(&n)
        } else {
            l.respond_value(&n, 1)
        }?;
    };
    match how {
        Serve::Value { sync_wake_up } => {
            if *sync_wake_up {
                listener.set_sync_wake_up(true)?;
            }
            value_loop(&listener, false)
        }
        Serve::Continue => value_loop(&listener, true),
        Serve::Supervisor => Supervisor::new(listener).run(|_| Response::Value(1)),
        Serve::Broker(rules) => Supervisor::new(listener).run(|call| rules.respond(call)),
    }
}

/// One run in a forked child under `filter`, served by `how`: ns per call.
fn run_child(filter: &Filter, work: Work, calls: u64, how: &Serve<'_>) -> f64 {
    let mut fds = [0; 2];
    // SAFETY: a valid array of two ints.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: pipe2 returned two new descriptors nobody else owns.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let wfd = w.as_raw_fd();
    let target = || {
        let ns = work.time(calls);
        // SAFETY: writing 8 bytes from a live local to our pipe.
        unsafe { libc::write(wfd, (&ns as *const u64).cast(), 8) };
        0
    };
    // SAFETY: this benchmark starts threads only inside `Supervisor::run`, which has
    // returned (its scope joined them) before the next fork.
    let child = unsafe { fork_supervised(filter, target) }.expect("start the target");
    drop(w);
    serve(child.listener, how).expect("serve");
    assert!(wait(child.pid).success(), "the target failed");
    let mut ns = 0u64;
    // SAFETY: reading 8 bytes into a live local.
    let got = unsafe { libc::read(r.as_raw_fd(), (&mut ns as *mut u64).cast(), 8) };
    assert_eq!(got, 8, "the target's timing");
    ns as f64 / calls as f64
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2])
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u64>().expect("a number"));
    let calls = args.next().unwrap_or(100_000);
    let runs = args.next().unwrap_or(7).max(1) as usize;
    let open_calls = (calls / 5).max(1);

    let dir = std::env::temp_dir().join(format!("notify-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    let path = CString::new(file.as_os_str().as_bytes()).unwrap();
    let rules = Allowlist::new()
        .allow(&dir, Access::Read)
        .expect("allow the directory");
    let open = Work::Open(path.as_ptr());

    type Case<'a> = (&'a str, Option<&'a Filter>, Work, Serve<'a>);
    let cases: [Case<'_>; 8] = [
        ("getppid, no filter", None, Work::Getppid, Serve::Continue),
        (
            "getppid, filter allows (cached)",
            Some(&ALLOW_ALL),
            Work::Getppid,
            Serve::Continue,
        ),
        (
            "getppid, notify: recv + respond_value",
            Some(&NOTIFY_GETPPID),
            Work::Getppid,
            Serve::Value {
                sync_wake_up: false,
            },
        ),
        (
            "getppid, notify: same, SYNC_WAKE_UP",
            Some(&NOTIFY_GETPPID),
            Work::Getppid,
            Serve::Value { sync_wake_up: true },
        ),
        (
            "getppid, notify: recv + continue_",
            Some(&NOTIFY_GETPPID),
            Work::Getppid,
            Serve::Continue,
        ),
        (
            "getppid, notify: Supervisor::run",
            Some(&NOTIFY_GETPPID),
            Work::Getppid,
            Serve::Supervisor,
        ),
        ("openat+close, no filter", None, open, Serve::Continue),
        (
            "openat+close, path broker",
            Some(&NOTIFY_OPEN),
            open,
            Serve::Broker(&rules),
        ),
    ];
    println!("{calls} getppid / {open_calls} openat+close calls per run, {runs} runs; µs per call");
    println!();
    println!("| scenario | best (µs) | median (µs) |");
    println!("| --- | ---: | ---: |");
    for (name, filter, work, how) in &cases {
        let n = match work {
            Work::Getppid => calls,
            Work::Open(_) => open_calls,
        };
        let per_call: Vec<f64> = (0..runs)
            .map(|_| match filter {
                None => work.time(n) as f64 / n as f64,
                Some(f) => run_child(f, *work, n, how),
            })
            .collect();
        let (best, median) = stats(per_call);
        println!("| {name} | {:.2} | {:.2} |", best / 1000.0, median / 1000.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
