use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    include r"ui/policies/deny-mkdir.sc";
};

fn main() {
    let _ = &FILTER;
}
