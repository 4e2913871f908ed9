//! Helpers shared by the tests that run the `scc` binary.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// What a run of `scc` gave: exit status, standard output, standard error.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `scc` in the crate's directory (so relative paths in its output are stable), with
/// `NO_COLOR` set and the colour-forcing variables removed.
pub fn scc(args: &[&str]) -> Run {
    scc_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `scc` in `dir`, like [`scc`].
pub fn scc_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_scc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .output()
        .expect("run scc");
    Run {
        status: out.status.code().expect("scc exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

#[allow(unused_imports)] // each test binary uses some of them
pub use testkit::{Bounded, MEMORY_LIMIT, TIME_LIMIT, run_bounded, temp_dir};

/// A validator for the official SARIF 2.1.0 schema (a local fixture; draft-04), with
/// format checking on.
pub fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("read the SARIF schema fixture");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Every schema violation of `doc`, one per line (empty when valid).
pub fn sarif_errors(validator: &jsonschema::Validator, doc: &serde_json::Value) -> String {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}\n", e, e.instance_path()))
        .collect()
}

/// `scc ARGS` in `dir` (`NO_COLOR`) under [`MEMORY_LIMIT`] and [`TIME_LIMIT`].
pub fn scc_bounded(dir: &Path, args: &[&str]) -> Bounded {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scc"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    run_bounded(cmd, MEMORY_LIMIT, TIME_LIMIT)
}
