//! What the workspace's tests need from outside the repository, and how they behave
//! when it is missing.
//!
//! A fresh clone with only Rust installed must pass `cargo test --workspace`: a test
//! that needs public data (`../shared`, which lives beside the repository and is never
//! copied into it), an external program (`runc`, `python3`) or root *skips*, printing
//! why on standard error (unbuffered, so the line shows even when libtest captures
//! output) as `test skipped: NAME: REASON`. CI has everything: `.ci/run` sets
//! `SCC_REQUIRE_ALL=1`, which turns every skip into a failure, so nothing is silently
//! left untested there.
//!
//!
//! It also runs commands under a memory limit and a watchdog ([`run_bounded`]), so a
//! regression to unbounded time or memory fails a test instead of hanging CI.
//!
//! ```no_run
//! let Some(profile) = testkit::shared("profiles/docker-default.json") else { return };
//! let Some(runc) = testkit::command("runc") else { return };
//! # let _ = (profile, runc);
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

/// The variable that turns skips into failures (set by `.ci/run`).
pub const REQUIRE_ALL: &str = "SCC_REQUIRE_ALL";

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives one level below the workspace root")
        .to_path_buf()
}

/// The folder of public data beside the repository: `$SCC_SHARED_DIR`, else `../shared`.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("SCC_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared"),
    }
}

/// `../shared/REL` if it exists; otherwise skips (see the crate docs) and returns `None`.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = shared_dir().join(rel);
    if path.exists() {
        Some(path)
    } else {
        skip(&format!(
            "needs `{}`: public data lives in ../shared beside the repository, never in it",
            path.display()
        ));
        None
    }
}

/// The path of an executable found on `PATH` (or given as an absolute path); otherwise
/// skips and returns `None`.
pub fn command(name: &str) -> Option<PathBuf> {
    match find_command(name) {
        Some(p) => Some(p),
        None => {
            skip(&format!(
                "needs the `{name}` command, which is not installed"
            ));
            None
        }
    }
}

/// Like [`command`], without skipping: for tests that can do without it.
pub fn find_command(name: &str) -> Option<PathBuf> {
    let is_exe = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if name.contains('/') {
        let p = PathBuf::from(name);
        return is_exe(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_exe(p))
}

/// Whether the tests run as root; otherwise skips and returns `false`.
pub fn root() -> bool {
    let euid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        });
    if euid.as_deref() == Some("0") {
        true
    } else {
        skip("needs root");
        false
    }
}

/// Records that the current test cannot run here, and why. Under `SCC_REQUIRE_ALL=1`
/// this panics instead: in CI everything a test needs is installed, so a skip is a bug.
pub fn skip(reason: &str) {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("<unnamed>");
    if std::env::var_os(REQUIRE_ALL).is_some_and(|v| v == "1") {
        panic!("{name} {reason}; {REQUIRE_ALL}=1 makes every skip a failure");
    }
    // `eprintln!` is captured by libtest for passing tests; a direct write is not.
    let _ = writeln!(std::io::stderr(), "test skipped: {name}: {reason}");
}

/// A fresh directory for one test's files.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("scc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}

/// How a bounded run ended.
#[derive(Debug)]
pub struct Bounded {
    /// The exit status, or `None` when killed (by the watchdog or a signal).
    pub status: Option<i32>,
    /// Killed by the watchdog after the time limit.
    pub timed_out: bool,
    pub elapsed: std::time::Duration,
    pub stdout: String,
    pub stderr: String,
}

/// Memory a hostile-input run may use (`RLIMIT_AS`, like `ulimit -v`): a debug `scc`
/// checking a small policy needs less than 64 MiB of address space, and the blow-ups
/// this guards against went past 6 GB.
pub const MEMORY_LIMIT: u64 = 512 << 20;

/// Wall-clock time a hostile-input run may take before the watchdog kills it: generous
/// for an unoptimised build on a loaded CI machine, yet a regression to the old
/// minute-long or endless runs fails instead of hanging CI.
pub const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs `cmd` with at most `memory` bytes of address space and kills it after `time`:
/// a regression to unbounded memory fails the run (allocation failure aborts it) and
/// one to unbounded time is cut off, instead of taking the machine or CI down.
pub fn run_bounded(
    mut cmd: std::process::Command,
    memory: u64,
    time: std::time::Duration,
) -> Bounded {
    use std::os::unix::process::CommandExt as _;
    let limit = libc::rlimit {
        rlim_cur: memory,
        rlim_max: memory,
    };
    // SAFETY: setrlimit is async-signal-safe and only reads `limit`, a copy owned by
    // the closure; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = std::time::Instant::now();
    let (mut child, out, err) = spawn_drained(&mut cmd);
    let (status, timed_out) = match wait_until(&mut child, start + time) {
        Some(st) => (st, false),
        None => {
            let _ = child.kill();
            (child.wait().expect("wait after kill"), true)
        }
    };
    let elapsed = start.elapsed();
    Bounded {
        status: status.code(),
        timed_out,
        elapsed,
        stdout: String::from_utf8_lossy(&out.join().expect("stdout reader")).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().expect("stderr reader")).into_owned(),
    }
}

/// Runs `cmd` like [`Command::output`](std::process::Command::output) (standard input
/// from `/dev/null`), but a command still running after `limit` is killed and the test
/// fails saying which: a hung external program (a container runtime waiting forever)
/// fails its test instead of hanging CI.
pub fn output_within(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::process::Output {
    let start = std::time::Instant::now();
    let (mut child, out, err) = spawn_drained(cmd);
    match wait_until(&mut child, start + limit) {
        Some(status) => std::process::Output {
            status,
            stdout: out.join().expect("stdout reader"),
            stderr: err.join().expect("stderr reader"),
        },
        None => {
            let _ = child.kill();
            let _ = child.wait();
            // The readers are left behind: a grandchild may hold the pipes open.
            panic!("{cmd:?} did not finish within {limit:?}; killed it");
        }
    }
}

/// Runs `cmd` with the standard streams it was given (like
/// [`Command::status`](std::process::Command::status)), killed and failing the test if
/// it runs longer than `limit`: for commands that leave a process holding their output
/// (a detached container), whose pipes would never close.
pub fn status_within(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    match wait_until(&mut child, start + limit) {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}; killed it");
        }
    }
}

type Reader = std::thread::JoinHandle<Vec<u8>>;

/// Spawns `cmd` with standard input from `/dev/null` and its output drained on threads,
/// so a chatty child never blocks on a full pipe.
fn spawn_drained(cmd: &mut std::process::Command) -> (std::process::Child, Reader, Reader) {
    use std::io::Read as _;
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = pipe.read_to_end(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    (child, out, err)
}

/// Waits for `child` until `deadline`; `None` if it is still running then.
fn wait_until(
    child: &mut std::process::Child,
    deadline: std::time::Instant,
) -> Option<std::process::ExitStatus> {
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return Some(st);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
