//! `scc import`, `scc export` and `scc diff` from the command line: exit statuses,
//! findings on standard error, and that a profile and its export do not differ.

use std::path::PathBuf;
use std::process::{Command, Output};

fn scc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scc"))
        .args(args)
        .output()
        .unwrap()
}

/// A public profile from `../shared/profiles`, or `None` (the test skips) without it.
fn shared(name: &str) -> Option<String> {
    testkit::shared(&format!("profiles/{name}")).map(|p| p.display().to_string())
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("scc-cli-oci-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn import_export_diff_round_trip_on_dockers_profile() {
    let (Some(docker), Some(podman)) =
        (shared("docker-default.json"), shared("podman-default.json"))
    else {
        return;
    };
    let sc = tmp("docker.sc");
    let json = tmp("docker.json");
    let o = scc(&[
        "import",
        &docker,
        "--arch",
        "x86_64",
        "-o",
        sc.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&sc).unwrap();
    assert!(
        text.contains("arch x86_64;") && text.contains("default errno(EPERM);"),
        "{text}"
    );
    assert!(stderr(&o).contains("note: architectures"), "{}", stderr(&o));
    let o = scc(&[
        "export",
        sc.to_str().unwrap(),
        "--format",
        "docker",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The original profile and the export of its import mean the same.
    let o = scc(&["diff", &docker, json.to_str().unwrap(), "--arch", "x86_64"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).is_empty());
    // With every capability the profile lets more through than its default-caps export.
    let o = scc(&[
        "diff",
        &docker,
        "--subset-of",
        json.to_str().unwrap(),
        "--arch",
        "x86_64",
        "--caps",
        "all",
    ]);
    assert_eq!(o.status.code(), Some(1), "all caps: {}", stdout(&o));
    assert!(stdout(&o).contains("+ allow mount"), "{}", stdout(&o));
    let o = scc(&["diff", "--subset-of", &docker, &podman, "--arch", "x86_64"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("+ allow mount") && out.contains("- errno(EPERM) mount"),
        "{out}"
    );
    assert!(!out.contains("+ errno"), "only what is let through: {out}");
}

#[test]
fn diff_shows_argument_cases() {
    let a = tmp("a.sc");
    let b = tmp("b.sc");
    std::fs::write(
        &a,
        "arch x86_64; default errno(EPERM); allow socket(domain == AF_UNIX);",
    )
    .unwrap();
    std::fs::write(
        &b,
        "arch x86_64; default errno(EPERM); allow socket(domain in {AF_UNIX, AF_NETLINK});",
    )
    .unwrap();
    let o = scc(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o).lines().skip(2).collect::<Vec<_>>(),
        [
            "- errno(EPERM) socket(domain == 16)",
            "+ allow socket(domain == 16)"
        ]
    );
    let o = scc(&[
        "diff",
        "--subset-of",
        b.to_str().unwrap(),
        a.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn bad_input_is_a_finding_or_a_usage_error() {
    let bad = tmp("bad.json");
    std::fs::write(&bad, r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_EXPLODE"}]}"#).unwrap();
    let o = scc(&["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("syscalls[0]: unknown action `SCMP_ACT_EXPLODE`"),
        "{}",
        stderr(&o)
    );
    let o = scc(&["import", "/nonexistent.json"]);
    assert_eq!(o.status.code(), Some(2));
    let o = scc(&["diff", "/nonexistent.json"]);
    assert_eq!(o.status.code(), Some(2));
    let notify = tmp("notify.sc");
    std::fs::write(&notify, "arch x86_64; default notify; allow read;").unwrap();
    let o = scc(&["export", notify.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("default notify"), "{}", stderr(&o));
}

#[test]
fn spo_format_is_a_seccompprofile() {
    let p = tmp("deny.sc");
    std::fs::write(
        &p,
        "arch x86_64; default allow; errno(EPERM) mkdir, mkdirat;",
    )
    .unwrap();
    let o = scc(&[
        "export",
        p.to_str().unwrap(),
        "--format",
        "spo",
        "--name",
        "deny-mkdir",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let y = stdout(&o);
    for want in [
        "kind: SeccompProfile",
        "  name: deny-mkdir",
        "  defaultAction: SCMP_ACT_ALLOW",
        "  - action: SCMP_ACT_ERRNO\n    errnoRet: 1\n    names:\n    - mkdir\n    - mkdirat",
    ] {
        assert!(y.contains(want), "{want:?} in\n{y}");
    }
}
