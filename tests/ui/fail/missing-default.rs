use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    allow read, write;
    allow exit_group;
};

fn main() {
    let _ = &FILTER;
}
