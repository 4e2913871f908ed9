// Every mistake is reported, each at its own token, and nothing else (no cascade).
use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow wirte(fd == 1), exit_group;
    allow openat(flags == O_RDONLU);
};

fn main() {
    let _ = &FILTER;
}
