use seccomp_rt::sandboxed;

#[sandboxed("ui/policies/no-such-file.sc")]
fn main() {}
