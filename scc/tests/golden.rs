//! Golden tests of `scc lint`, one policy per diagnostic code.
//!
//! For every `tests/golden/<CODE>-<kebab-name>.sc` (the name after the code's variant in
//! `codes.rs`) the real `scc` binary is run and its output compared with files beside the
//! policy:
//!
//! - `.stdout`: the human output (`NO_COLOR`, so plain), `.stderr`: its summary line;
//! - `.json`: the output of `--format json`.
//!
//! The test also checks that the policy really triggers its code, the exit statuses (1
//! with errors, 0 with warnings alone, 1 with `--deny warnings`), that no escape code
//! leaks out under `NO_COLOR`, that `--format sarif` is valid against the SARIF 2.1.0
//! schema and holds the same findings, and that every code has a golden.
//!
//! `SCC_BLESS=1 cargo test -p seccomp-scc --test golden` rewrites the expected files
//! (like trybuild's `TRYBUILD=overwrite`); review the diff before committing it.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use seccomp_dsl::{Code, Severity};
use serde_json::Value;
use support::{Run, sarif_errors, sarif_validator, scc};

/// Codes no policy can trigger through `scc lint`, and why. Empty: every code has a
/// golden.
const UNTRIGGERABLE: &[(Code, &str)] = &[];

/// `UnknownSyscall` → `unknown-syscall`.
fn kebab(code: Code) -> String {
    let mut out = String::new();
    for (i, c) in format!("{code:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn inputs() -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "sc").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    stems.sort();
    stems
}

fn blessing() -> bool {
    std::env::var_os("SCC_BLESS").is_some_and(|v| v != "0")
}

/// Compares `actual` with the expected file (or writes it when blessing); returns a
/// description of the difference.
fn compare(stem: &str, ext: &str, actual: &str) -> Option<String> {
    let path = golden_dir().join(format!("{stem}.{ext}"));
    if blessing() {
        std::fs::write(&path, actual).expect("write a golden file");
        return None;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{stem}.{ext} differs (first at line {}):\n--- expected\n{expected}\n+++ actual\n{actual}",
        line + 1
    ))
}

/// The (code, severity) of every line of `--format json`.
fn json_findings(run: &Run) -> Vec<(String, String)> {
    run.stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("one JSON object per line");
            (
                v["code"].as_str().unwrap().to_owned(),
                v["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_code_has_a_golden_that_triggers_it() {
    let validator = sarif_validator();
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    let stems = inputs();
    assert!(!stems.is_empty());
    for stem in &stems {
        let code = Code::from_id(stem.get(..5).unwrap_or(""))
            .unwrap_or_else(|| panic!("{stem}.sc: the name must start with a code"));
        let expected_name = format!("{}-{}", code.id(), kebab(code));
        assert!(
            stem.starts_with(&expected_name),
            "{stem}.sc: name it {expected_name}.sc (or {expected_name}-more.sc)"
        );
        let input = format!("tests/golden/{stem}.sc");

        let human = scc(&["lint", &input]);
        let json = scc(&["lint", "--format", "json", &input]);
        let sarif = scc(&["lint", "--format", "sarif", &input]);
        let denied = scc(&["lint", "--deny", "warnings", &input]);

        // The policy triggers its code, in every format.
        let findings = json_findings(&json);
        if !findings.iter().any(|(c, _)| c == code.id()) {
            failures.push(format!(
                "{stem}.sc does not trigger {}: {findings:?}",
                code.id()
            ));
        }
        assert!(
            human.stdout.contains(&format!("[{}]", code.id())),
            "{stem}: {}",
            human.stdout
        );
        covered.insert(code);

        // Exit statuses: errors fail; warnings fail only when denied.
        let has = |s: Severity| findings.iter().any(|(_, sev)| sev == s.as_str());
        let failing = i32::from(has(Severity::Error));
        let failing_denied = i32::from(has(Severity::Error) || has(Severity::Warning));
        for (what, run, want) in [
            ("human", &human, failing),
            ("json", &json, failing),
            ("sarif", &sarif, failing),
            ("--deny warnings", &denied, failing_denied),
        ] {
            assert_eq!(run.status, want, "{stem}: exit status of {what}");
        }

        // NO_COLOR: plain text.
        for text in [&human.stdout, &human.stderr, &json.stdout, &sarif.stdout] {
            assert!(!text.contains('\u{1b}'), "{stem}: escape code in\n{text}");
        }

        // SARIF: valid, and the same findings as the JSON lines.
        let log: Value = serde_json::from_str(&sarif.stdout).expect("SARIF is one JSON document");
        let errors = sarif_errors(&validator, &log);
        assert!(errors.is_empty(), "{stem}: invalid SARIF:\n{errors}");
        let sarif_codes: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        let json_codes: Vec<&str> = findings.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(sarif_codes, json_codes, "{stem}: SARIF and JSON disagree");

        failures.extend(compare(stem, "stdout", &human.stdout));
        failures.extend(compare(stem, "stderr", &human.stderr));
        failures.extend(compare(stem, "json", &json.stdout));
    }

    for &code in Code::ALL {
        let excused = UNTRIGGERABLE.iter().any(|(c, _)| *c == code);
        if !covered.contains(&code) && !excused {
            failures.push(format!(
                "no golden for {} ({}): add tests/golden/{}-{}.sc",
                code.id(),
                code.summary(),
                code.id(),
                kebab(code)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\n(SCC_BLESS=1 rewrites the expected files)",
        failures.join("\n\n")
    );
}

#[test]
fn bless_mode_is_off_in_ci() {
    // A CI run that blessed would pass whatever the output: refuse.
    if std::env::var_os("CI").is_some() {
        assert!(!blessing(), "SCC_BLESS must not be set in CI");
    }
}
