use seccomp_rt::sandboxed;

#[sandboxed("ui/policies/includes-bad.sc")]
fn main() {}
