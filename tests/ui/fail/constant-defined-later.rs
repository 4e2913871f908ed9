use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow write(fd in OUTPUTS);
    const OUTPUTS = {1, 2};
};

fn main() {
    let _ = &FILTER;
}
