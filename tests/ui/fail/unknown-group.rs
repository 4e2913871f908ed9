use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow @basic_oi, exit_group;
};

fn main() {
    let _ = &FILTER;
}
