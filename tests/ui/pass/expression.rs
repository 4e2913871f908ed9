// `seccomp_policy!` as an expression, with a `const`, a set, a group and an errno name:
// the same program the library compiles from the same text.
fn main() {
    let filter = seccomp_rt::seccomp_policy! {
        const OUTPUTS = {1, 2};
        group @out = { write(fd in OUTPUTS) };
        default kill;
        allow @out, @default, read;
        errno(EACCES) openat(flags & O_ACCMODE != O_RDONLY);
    };
    let out = seccomp_dsl::compile_str(
        "expression.sc",
        "const OUTPUTS = {1, 2};
        group @out = { write(fd in OUTPUTS) };
        default kill;
        allow @out, @default, read;
        errno(EACCES) openat(flags & O_ACCMODE != O_RDONLY);",
    );
    assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
    let arch = seccomp_dsl::Arch::native().expect("a supported architecture");
    let expected: Vec<(u16, u8, u8, u32)> = out
        .program(arch)
        .expect("a program for this architecture")
        .insns
        .iter()
        .map(|i| (i.code, i.jt, i.jf, i.k))
        .collect();
    let got: Vec<(u16, u8, u8, u32)> = filter
        .instructions()
        .iter()
        .map(|i| (i.code, i.jt, i.jf, i.k))
        .collect();
    assert_eq!(got, expected);
}
