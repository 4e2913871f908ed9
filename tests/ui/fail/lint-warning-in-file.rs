// The lints of a policy file are warnings on the attribute's string, shown like its
// errors (`file:line:col`, the line, a caret); the one silenced with
// `// scc: allow(S0204)` in the file is not reported.
#![deny(deprecated)]

#[seccomp_rt::sandboxed("ui/policies/warns.sc")]
fn main() {}
