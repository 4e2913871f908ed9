use seccomp_rt::sandboxed;

#[sandboxed {
    default kill;
    allow write(fd == 1), exit_gruop;
}]
fn main() {}
