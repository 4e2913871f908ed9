//! Helpers shared by the tests that run the `scc` binary.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// What a run of `scc` gave: exit status, standard output, standard error.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `scc` in the crate's directory (so relative paths in its output are stable), with
/// `NO_COLOR` set and the colour-forcing variables removed.
pub fn scc(args: &[&str]) -> Run {
    scc_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `scc` in `dir`, like [`scc`].
pub fn scc_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_scc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .output()
        .expect("run scc");
    Run {
        status: out.status.code().expect("scc exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// A fresh directory for one test's files.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("scc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}

/// A validator for the official SARIF 2.1.0 schema (a local fixture; draft-04), with
/// format checking on.
pub fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("read the SARIF schema fixture");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Every schema violation of `doc`, one per line (empty when valid).
pub fn sarif_errors(validator: &jsonschema::Validator, doc: &serde_json::Value) -> String {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}\n", e, e.instance_path()))
        .collect()
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
pub fn run_bounded(mut cmd: Command, memory: u64, time: std::time::Duration) -> Bounded {
    use std::io::Read as _;
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
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let start = std::time::Instant::now();
    let mut child = cmd.spawn().expect("spawn the bounded command");
    // Drain the pipes on threads so a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > time {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
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

/// `scc ARGS` in `dir` (`NO_COLOR`) under [`MEMORY_LIMIT`] and [`TIME_LIMIT`].
pub fn scc_bounded(dir: &Path, args: &[&str]) -> Bounded {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scc"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    run_bounded(cmd, MEMORY_LIMIT, TIME_LIMIT)
}
