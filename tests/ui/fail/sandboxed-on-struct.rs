use seccomp_rt::sandboxed;

#[sandboxed("ui/policies/deny-mkdir.sc")]
struct Worker;

fn main() {
    let _ = Worker;
}
