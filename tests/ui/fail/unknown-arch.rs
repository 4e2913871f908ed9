use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    arch x86_64, aarch46;
    default kill;
    allow exit_group;
};

fn main() {
    let _ = &FILTER;
}
