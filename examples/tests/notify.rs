//! Runs the user-notification examples as real processes: the path broker (its demo and a
//! real command under it), the tokio supervisor, and the benchmark (for its output, not
//! its figures).

use std::process::{Command, Output};

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn path_broker_demo_allows_only_what_lies_beneath() {
    let out = run(env!("CARGO_BIN_EXE_path_broker"), &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{:?}\n{stdout}\n{stderr}", out.status);
    let line = |needle: &str| {
        stdout
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in\n{stdout}"))
    };
    assert!(line("read  /").contains("allowed/hello.txt -> ok: hello from an allowed file"));
    let denied = |l: &str| l.ends_with("Permission denied (os error 13)");
    assert!(denied(line("allowed/../secret.txt -> ")), "`..` out");
    assert!(denied(line("allowed/escape -> ")), "a relative symlink out");
    assert!(
        denied(line("allowed/absolute -> ")),
        "an absolute symlink out"
    );
    let direct = stdout
        .lines()
        .find(|l| l.contains("/secret.txt -> ") && !l.contains("allowed"))
        .expect("the direct read of the secret");
    assert!(denied(direct), "not beneath an allowed directory");
    assert!(line("write /").contains("notes/todo.txt -> ok: written"));
    assert!(
        denied(line("allowed/hello.txt -> P")) && line("allowed/hello.txt -> P").contains("write")
    );
    assert!(
        line("read  notes/todo.txt").ends_with("ok: written by the child"),
        "relative to the cwd"
    );
    assert!(!stdout.contains("the secret"), "{stdout}");
    // The broker's reasons.
    assert!(
        stderr.contains("leads out of its allowed directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not beneath an allowed directory"),
        "{stderr}"
    );
    assert!(stderr.contains("allowed for reading only"), "{stderr}");
}

/// A real program (`cat`, dynamically linked: the loader's opens go through the broker
/// too) reads an allowed file and is refused another.
#[test]
fn path_broker_runs_a_command_under_the_broker() {
    let dir = std::env::temp_dir().join(format!("path-broker-cmd-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("allowed")).unwrap();
    std::fs::write(dir.join("allowed/a.txt"), "allowed content\n").unwrap();
    std::fs::write(dir.join("secret.txt"), "secret content\n").unwrap();
    let allowed = dir.join("allowed");
    let (a, s) = (dir.join("allowed/a.txt"), dir.join("secret.txt"));
    let out = run(
        env!("CARGO_BIN_EXE_path_broker"),
        &[
            "--read",
            "/usr",
            "--read",
            "/lib",
            "--read",
            allowed.to_str().unwrap(),
            "--",
            "cat",
            a.to_str().unwrap(),
            s.to_str().unwrap(),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(stdout, "allowed content\n", "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "cat fails on the refused file");
    assert!(
        stderr.contains(&format!("broker: allow read {}", a.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("broker: deny  read {}", s.display())),
        "{stderr}"
    );
}

#[test]
fn tokio_supervisor_answers_every_call() {
    let out = run(env!("CARGO_BIN_EXE_notify_tokio"), &[]);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "{:?}\n{stdout}{}",
        out.status,
        text(&out.stderr)
    );
    assert!(stdout.contains("every answer right: true"), "{stdout}");
    assert!(stdout.contains("answered 12 calls"), "{stdout}");
}

#[test]
fn benchmark_runs_every_scenario() {
    let out = run(env!("CARGO_BIN_EXE_notify_bench"), &["200", "1"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    for row in [
        "no filter",
        "respond_value",
        "SYNC_WAKE_UP",
        "continue_",
        "Supervisor::run",
        "path broker",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("| ") && l.contains(row)),
            "{row}: {stdout}"
        );
    }
}
