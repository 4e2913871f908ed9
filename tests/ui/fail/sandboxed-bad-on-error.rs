use seccomp_rt::sandboxed;

#[sandboxed(policy = "ui/policies/deny-mkdir.sc", on_error = "bogus")]
fn main() {}
