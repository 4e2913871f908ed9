use seccomp_rt::sandboxed;

#[sandboxed(polcy = "ui/policies/deny-mkdir.sc")]
fn main() {}
