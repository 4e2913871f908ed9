// `seccomp_policy!` as a `static`: installed, it makes mkdir fail with EPERM.
use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default allow;
    errno(EPERM) mkdir, mkdirat;
};

fn main() {
    FILTER.install().expect("install the filter");
    let dir = std::env::temp_dir().join(format!("ui-static-filter-{}", std::process::id()));
    let err = std::fs::create_dir(&dir).expect_err("mkdir must be refused");
    assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err}");
}
