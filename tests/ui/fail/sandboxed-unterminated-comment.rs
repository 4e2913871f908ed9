use seccomp_rt::sandboxed;

#[sandboxed("ui/policies/unterminated-comment.sc")]
fn main() {}
