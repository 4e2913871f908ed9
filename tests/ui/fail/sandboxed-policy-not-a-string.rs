use seccomp_rt::sandboxed;

#[sandboxed(policy = deny_mkdir)]
fn main() {}
