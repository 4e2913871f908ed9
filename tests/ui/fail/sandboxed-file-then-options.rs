use seccomp_rt::sandboxed;

#[sandboxed("ui/policies/deny-mkdir.sc", on_error = "panic")]
fn main() {}
