use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow read, write, exit_group;
    allow opnat(flags & O_ACCMODE == O_RDONLY);
};

fn main() {
    let _ = &FILTER;
}
