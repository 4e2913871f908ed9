//! `scc run` and `scc status` on the real kernel: the command runs under the policy (an
//! errno rule fails the call, a kill rule kills it), nothing runs when the filter cannot be
//! installed, and `scc status` sees the filters.

mod support;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::temp_dir;

fn scc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scc"))
        .args(args)
        .output()
        .expect("run scc")
}

fn policy(dir: &Path, text: &str) -> String {
    let p = dir.join("policy.sc");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn field(out: &Output, name: &str) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| Some(l.strip_prefix(name)?.trim().to_owned()))
        .unwrap_or_else(|| panic!("no {name} in {:?}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn errno_rule_fails_mkdir_and_the_rest_runs() {
    let dir = temp_dir("run-errno");
    let p = policy(&dir, "default allow;\nerrno(EPERM) mkdir, mkdirat;\n");
    let target = dir.join("new");
    let out = scc(&["run", &p, "--", "mkdir", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Operation not permitted"),
        "{}",
        stderr(&out)
    );
    assert!(!target.exists(), "mkdir must not have happened");
    // The same command without the rule creates the directory.
    let p = policy(&dir, "default allow;\n");
    let out = scc(&["run", &p, "mkdir", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.is_dir());
}

#[test]
fn kill_rule_kills_the_command_with_sigsys() {
    let dir = temp_dir("run-kill");
    let p = policy(&dir, "default allow;\nkill mkdir, mkdirat;\n");
    let target = dir.join("new");
    let out = scc(&["run", &p, "--", "mkdir", "-p", target.to_str().unwrap()]);
    assert_eq!(out.status.signal(), Some(libc::SIGSYS), "{:?}", out.status);
    assert!(!target.exists());
}

#[test]
fn nothing_runs_when_the_filter_cannot_be_installed_or_exec_is_not_allowed() {
    let dir = temp_dir("run-refuse");
    let marker = dir.join("ran");
    let script = format!("touch {}", marker.display());
    // The policy kills execve: scc refuses instead of exec'ing.
    let p = policy(&dir, "default allow;\nkill execve, execveat;\n");
    let out = scc(&["run", &p, "sh", "-c", &script]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("execve"), "{}", stderr(&out));
    // A policy with errors: nothing runs either.
    let p = policy(&dir, "default allow;\nallow opnat;\n");
    let out = scc(&["run", &p, "sh", "-c", &script]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The kernel refuses the filter: scc itself runs under a filter that fails
    // seccomp(2), so installing fails and the command must not run.
    let outer = policy(&dir, "default allow;\nerrno(EPERM) seccomp;\n");
    let inner = dir.join("inner.sc");
    std::fs::write(&inner, "default allow;\n").unwrap();
    let out = scc(&[
        "run",
        &outer,
        env!("CARGO_BIN_EXE_scc"),
        "run",
        inner.to_str().unwrap(),
        "sh",
        "-c",
        &script,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot install the seccomp filter"),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists(), "the command ran");
}

#[test]
fn status_reports_the_filters_of_scc_and_of_a_sandboxed_child() {
    let own = scc(&["status"]);
    assert!(own.status.success());
    let base: u32 = field(&own, "filters:").parse().unwrap();
    let mode = field(&own, "mode:");
    assert_eq!(mode == "disabled", base == 0, "{mode} with {base} filters");

    // `scc status` run under a policy sees one more filter, in filter mode.
    let dir = temp_dir("run-status");
    let p = policy(&dir, "default allow;\n");
    let inner = scc(&["run", &p, env!("CARGO_BIN_EXE_scc"), "status"]);
    assert!(inner.status.success(), "{}", stderr(&inner));
    assert_eq!(field(&inner, "mode:"), "filter");
    assert_eq!(field(&inner, "filters:"), (base + 1).to_string());
    assert_eq!(field(&inner, "no_new_privs:"), "1");

    // Another process, by pid: a sandboxed `sleep`.
    let mut child = Command::new(env!("CARGO_BIN_EXE_scc"))
        .args(["run", &p, "sleep", "30"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let mut seen = None;
    for _ in 0..500 {
        // Wait until scc has exec'd sleep (the filter is on from then on).
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "sleep" {
            seen = Some(scc(&["status", &pid]));
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let out = seen.expect("the child exec'd sleep");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(field(&out, "pid:"), pid);
    assert_eq!(field(&out, "mode:"), "filter");
    assert_eq!(field(&out, "filters:"), (base + 1).to_string());

    // A process that does not exist is an error.
    let out = scc(&["status", "999999999"]);
    assert_eq!(out.status.code(), Some(2));
}
