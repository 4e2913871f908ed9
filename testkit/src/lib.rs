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
    // Read from /proc rather than calling geteuid: this crate has no dependencies.
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
