//! What the benchmark examples share.

use std::path::PathBuf;

/// The `scc` binary: `$SCC`, else next to the running example (`target/PROFILE/scc`).
pub fn scc() -> PathBuf {
    let scc = std::env::var_os("SCC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::current_exe()
                .expect("own path")
                .parent()
                .and_then(|examples| examples.parent())
                .expect("target/PROFILE/examples")
                .join("scc")
        });
    assert!(
        scc.exists(),
        "{} not found: build it (cargo build --release -p seccomp-scc --bin scc) or set SCC",
        scc.display()
    );
    scc
}
