use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow write(fd == 0x1_0000_0001);
};

fn main() {
    let _ = &FILTER;
}
