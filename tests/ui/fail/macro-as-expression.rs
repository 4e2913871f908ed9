// An error in the macro used as an expression: the surrounding code still type-checks.
fn main() {
    let filter = seccomp_rt::seccomp_policy! { default kill; allow exit_gruop; };
    let _ = filter.instructions().len();
}
