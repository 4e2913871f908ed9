//! `#[sandboxed]` installs the policy of a file before `main`'s body runs. If it could
//! not be installed, the program would abort instead of running unsandboxed.

use seccomp_rt::sandboxed;

#[sandboxed("policies/attribute.sc")]
fn main() {
    println!("main runs under policies/attribute.sc");
    if std::env::args().any(|a| a == "--escape") {
        // Not in the policy: killed by SIGSYS.
        let _ = std::fs::read_dir("/");
        println!("escaped?!");
    }
}
