//! A denylist: everything is allowed except creating directories, which fails gracefully
//! with `EPERM` instead of killing the program.

use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default allow;
    errno(EPERM) mkdir, mkdirat;
};

fn main() {
    FILTER.install().expect("install the seccomp filter");
    let dir = std::env::temp_dir().join(format!("denylist-example-{}", std::process::id()));
    match std::fs::create_dir(&dir) {
        Ok(()) => {
            println!("created {} (the filter did not work!)", dir.display());
            let _ = std::fs::remove_dir(&dir);
            std::process::exit(1);
        }
        Err(e) => println!("mkdir {} refused: {e}", dir.display()),
    }
    // Everything else still works.
    let n = std::fs::read_to_string("/proc/self/status")
        .map(|s| s.lines().count())
        .unwrap_or(0);
    println!("read /proc/self/status: {n} lines");
}
