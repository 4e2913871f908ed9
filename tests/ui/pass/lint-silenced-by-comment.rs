// A policy file whose only lint is silenced by `// scc: allow(S0204)` compiles without
// a warning (`deny(deprecated)` would make one an error).
#![deny(deprecated)]

static FILTER: seccomp_rt::Filter = seccomp_rt::seccomp_policy! {
    include "ui/policies/silenced.sc";
};

fn main() {
    assert!(!FILTER.instructions().is_empty());
}
