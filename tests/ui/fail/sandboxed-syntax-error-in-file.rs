use seccomp_rt::sandboxed;

#[sandboxed(policy = "ui/policies/syntax-error.sc", on_error = "panic")]
fn main() {}
