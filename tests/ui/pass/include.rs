// `include` inside the macro resolves relative to CARGO_MANIFEST_DIR, and the included
// file's own includes relative to it.
use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    include "ui/policies/deny-mkdir.sc";
};

fn main() {
    FILTER.install().expect("install the filter");
    let dir = std::env::temp_dir().join(format!("ui-include-{}", std::process::id()));
    let err = std::fs::create_dir(&dir).expect_err("mkdir must be refused");
    assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err}");
}
