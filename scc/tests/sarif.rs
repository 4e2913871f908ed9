//! `scc lint --format sarif`: the log is valid against the official SARIF 2.1.0 schema,
//! describes every code as a rule, and places results, related locations and fixes
//! exactly (1-based lines, UTF-16 columns, end column just past the region).

mod support;

use seccomp_dsl::Code;
use serde_json::{Value, json};
use support::{sarif_errors, sarif_validator, scc_in, temp_dir};

/// Lints two files (one with warnings, one with an error) in a temporary directory,
/// naming them by relative paths, and returns the exit status and the parsed log.
fn lint_sample() -> (i32, Value) {
    let dir = temp_dir("sarif");
    std::fs::write(
        dir.join("warn.sc"),
        "default allow;\n/* é𝄞 */ errno(EPERM) mkdir;\nerrno(EPERM) openat;\nerrno(EACCES) openat(flags == 0);\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("sub dir")).unwrap();
    std::fs::write(
        dir.join("sub dir/broken.sc"),
        "default kill;\nallow opnat;\n",
    )
    .unwrap();
    let run = scc_in(
        &dir,
        &["lint", "--format", "sarif", "warn.sc", "sub dir/broken.sc"],
    );
    assert_eq!(run.stderr, "", "no summary line in SARIF mode");
    let log = serde_json::from_str(&run.stdout).expect("one JSON document");
    (run.status, log)
}

fn result<'a>(log: &'a Value, rule: &str, line: u64) -> &'a Value {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == rule
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == line
        })
        .unwrap_or_else(|| panic!("no {rule} result on line {line} in {log:#}"))
}

#[test]
fn sarif_log_is_valid_and_complete() {
    let (status, log) = lint_sample();
    assert_eq!(status, 1, "an error fails the run in every format");
    let errors = sarif_errors(&sarif_validator(), &log);
    assert!(errors.is_empty(), "invalid SARIF:\n{errors}\n{log:#}");

    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run for all files");
    let run = &runs[0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "scc");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    // A rule per code, in Code::ALL order, with the code's own texts.
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        assert_eq!(rule["id"], code.id());
        assert_eq!(rule["shortDescription"]["text"], code.summary());
        assert_eq!(rule["fullDescription"]["text"], code.explanation());
        assert!(
            rule["help"]["text"]
                .as_str()
                .unwrap()
                .starts_with(code.explanation())
        );
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            code.severity().as_str()
        );
    }
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
    }

    // `/* é𝄞 */ ` is 10 UTF-16 units (𝄞 takes two): `mkdir` spans columns 24..29.
    let mkdir = result(&log, "S0201", 2);
    assert_eq!(mkdir["level"], "warning");
    assert!(
        mkdir["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("`mkdir` is blocked but `mkdirat` is not"),
        "{mkdir:#}"
    );
    let loc = &mkdir["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "warn.sc");
    assert_eq!(
        loc["region"],
        json!({"startLine": 2, "startColumn": 24, "endLine": 2, "endColumn": 29, "snippet": {"text": "mkdir"}})
    );

    // The shadowed rule points back at the rule that shadows it.
    let shadowed = result(&log, "S0301", 4);
    let related = &shadowed["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 3);
    assert_eq!(related["physicalLocation"]["region"]["startColumn"], 14);
    assert!(
        related["message"]["text"]
            .as_str()
            .unwrap()
            .contains("already matched here")
    );

    // The error carries its suggestion as a fix; the path is a percent-encoded URI.
    let unknown = result(&log, "S0101", 2);
    assert_eq!(unknown["level"], "error");
    let change = &unknown["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "sub%20dir/broken.sc");
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "openat");
    assert_eq!(replacement["deletedRegion"]["startColumn"], 7);
    assert_eq!(replacement["deletedRegion"]["endColumn"], 12);
}

#[test]
fn a_clean_policy_gives_a_valid_log_without_results() {
    let dir = temp_dir("sarif-clean");
    std::fs::write(
        dir.join("clean.sc"),
        "default kill;\nallow read, exit_group, rt_sigreturn, restart_syscall;\n",
    )
    .unwrap();
    let run = scc_in(&dir, &["lint", "--format", "sarif", "clean.sc"]);
    assert_eq!(run.status, 0);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"], json!([]));
    assert_eq!(sarif_errors(&sarif_validator(), &log), "");
}

/// The schema check is real: a log broken in any of these ways is rejected.
#[test]
fn the_schema_check_rejects_invalid_logs() {
    let (_, log) = lint_sample();
    let validator = sarif_validator();
    assert_eq!(sarif_errors(&validator, &log), "");
    type Mutation = fn(&mut Value);
    let mutations: &[(&str, Mutation)] = &[
        ("wrong version", |l| l["version"] = json!("2.0.0")),
        ("unknown level", |l| {
            l["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("line 0", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0)
        }),
        ("driver without a name", |l| {
            l["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }),
        ("unknown property", |l| {
            l["runs"][0]["results"][0]["severity"] = json!("high")
        }),
        ("message without text", |l| {
            l["runs"][0]["results"][0]["message"] = json!({})
        }),
        ("rules not an array", |l| {
            l["runs"][0]["tool"]["driver"]["rules"] = json!({})
        }),
        ("bad informationUri", |l| {
            l["runs"][0]["tool"]["driver"]["informationUri"] = json!("not a uri")
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = log.clone();
        mutate(&mut bad);
        assert!(
            !sarif_errors(&validator, &bad).is_empty(),
            "the validator accepted a log with {what}"
        );
    }
}
