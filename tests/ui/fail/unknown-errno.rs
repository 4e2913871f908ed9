use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default allow;
    errno(EPREM) mkdir;
};

fn main() {
    let _ = &FILTER;
}
