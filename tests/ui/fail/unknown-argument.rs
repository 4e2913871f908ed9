use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow write(file == 1), exit_group;
};

fn main() {
    let _ = &FILTER;
}
