use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow openat(dfd == AT_FDCWD && flag & O_ACCMODE == O_RDONLY);
};

fn main() {
    let _ = &FILTER;
}
