use seccomp_rt::sandboxed;

#[sandboxed]
fn main() {}
