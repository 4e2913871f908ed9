use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow openat(flags & O_ACCMODE == O_RDONLU);
};

fn main() {
    let _ = &FILTER;
}
