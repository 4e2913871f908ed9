use seccomp_rt::sandboxed;

#[sandboxed("ui/policies/unknown-syscall.sc")]
fn main() {}
