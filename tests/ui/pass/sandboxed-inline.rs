// The attribute with an inline policy and with `policy = ..., on_error = ...`, on
// functions other than `main`, which return values.
use seccomp_rt::sandboxed;

#[sandboxed {
    default allow;
    errno(EACCES) mkdir, mkdirat;
}]
fn make_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir(dir)
}

#[sandboxed(policy = "ui/policies/deny-mkdir.sc", on_error = "panic")]
fn make_dir_again(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir(dir)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("ui-sandboxed-inline-{}", std::process::id()));
    let err = make_dir(&dir).expect_err("mkdir must be refused");
    assert_eq!(err.raw_os_error(), Some(libc::EACCES), "{err}");
    // Filters stack: both return errno, and of equal actions the kernel takes the most
    // recently installed filter's.
    let err = make_dir_again(&dir).expect_err("mkdir must be refused");
    assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err}");
}
