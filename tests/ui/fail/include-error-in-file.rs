use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    include "ui/policies/lib/bad-constant.sc";
    default kill;
};

fn main() {
    let _ = &FILTER;
}
