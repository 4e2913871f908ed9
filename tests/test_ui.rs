//! UI tests of `seccomp_policy!` and `#[sandboxed]`: each file in `ui/fail/` must fail to
//! compile with exactly the `.stderr` next to it (the message, and the caret under the
//! offending token), each file in `ui/pass/` must compile and run successfully.
//!
//! Regenerate the goldens after an intended change with
//! `TRYBUILD=overwrite cargo test -p seccomp-tests --test test_ui`, then read the diff.

use std::path::{Path, PathBuf};

/// The UI files name policy files relative to `CARGO_MANIFEST_DIR`, as a user's crate
/// would. trybuild compiles them as a crate of its own under the target directory, and
/// cargo sets `CARGO_MANIFEST_DIR` to that crate's directory (not this one), so it gets
/// a link to `ui/`: `ui/policies/x.sc` then resolves to this directory's file, and the
/// messages name it so on every machine.
fn link_policies_into_trybuild_project() {
    // `CARGO_TARGET_TMPDIR` is `<target dir>/tmp`; trybuild's crate is
    // `<target dir>/tests/trybuild/<package name>`.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory");
    let project: PathBuf = [
        target,
        Path::new("tests/trybuild"),
        Path::new(env!("CARGO_PKG_NAME")),
    ]
    .iter()
    .collect();
    std::fs::create_dir_all(&project).expect("create trybuild's project directory");
    let link = project.join("ui");
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    match std::fs::read_link(&link) {
        Ok(to) if to == ui => return,
        Ok(_) => std::fs::remove_file(&link).expect("remove a stale link"),
        Err(_) => {}
    }
    std::os::unix::fs::symlink(&ui, &link)
        .unwrap_or_else(|e| panic!("link {} -> {}: {e}", link.display(), ui.display()));
}

#[test]
fn ui() {
    link_policies_into_trybuild_project();
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/*.rs");
    t.pass("ui/pass/*.rs");
}
