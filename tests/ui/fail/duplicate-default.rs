use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow read, write;
    default errno(EPERM);
};

fn main() {
    let _ = &FILTER;
}
