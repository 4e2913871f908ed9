use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    include "ui/policies/no-such-file.sc";
    allow exit_group;
};

fn main() {
    let _ = &FILTER;
}
