use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill
    allow read, write;
};

fn main() {
    let _ = &FILTER;
}
