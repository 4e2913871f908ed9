use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default allow;
    errno(5000) mkdir;
};

fn main() {
    let _ = &FILTER;
}
