use seccomp_rt::sandboxed;

#[sandboxed(on_error = "panic")]
fn main() {}
