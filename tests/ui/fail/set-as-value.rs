use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    const OUTPUTS = {1, 2};
    default kill;
    allow write(fd == OUTPUTS);
};

fn main() {
    let _ = &FILTER;
}
