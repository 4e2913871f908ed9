use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    allow write(fd == '1');
};

fn main() {
    let _ = &FILTER;
}
