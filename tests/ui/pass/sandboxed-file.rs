// `#[sandboxed("file")]` installs the file's policy before the body runs.
use seccomp_rt::sandboxed;

#[sandboxed("ui/policies/deny-mkdir.sc")]
fn main() {
    let dir = std::env::temp_dir().join(format!("ui-sandboxed-file-{}", std::process::id()));
    let err = std::fs::create_dir(&dir).expect_err("mkdir must be refused");
    assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err}");
}
