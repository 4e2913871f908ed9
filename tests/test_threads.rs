//! Scenarios with threads, each in a fresh process (`seccomp-probe`): `kill_thread`,
//! TSYNC (and its error naming the thread that cannot sync), user notification, status.

mod common;

use std::process::Command;

use common::*;

fn probe(scenario: &str, policy: &str) -> Exit {
    let hex: String = seccomp_dsl::bpf::to_bytes(&compile(policy))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_seccomp-probe"))
        .args([scenario, &hex])
        // A panic backtrace reads /proc/self/maps and the binary: not what the
        // policies under test allow.
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .expect("run the probe");
    use std::os::unix::process::ExitStatusExt;
    match (out.status.code(), out.status.signal()) {
        (Some(c), _) => Exit::Code(c),
        (None, Some(s)) => Exit::Signal(s),
        _ => unreachable!(),
    }
}

#[test]
fn kill_thread_kills_only_the_calling_thread() {
    assert_eq!(
        probe("kill-thread", "default allow; kill_thread getppid;"),
        Exit::Code(0)
    );
    // The same scenario with kill_process takes the whole process down.
    assert_eq!(
        probe("kill-thread", "default allow; kill_process getppid;"),
        SIGSYS
    );
}

#[test]
fn tsync_covers_threads_started_before_the_filter() {
    let policy = "default allow; kill getppid;";
    assert_eq!(probe("tsync", policy), SIGSYS);
    assert_eq!(
        probe("no-tsync", policy),
        Exit::Code(0),
        "without TSYNC the older thread is not filtered"
    );
}

#[test]
fn tsync_failure_names_the_thread() {
    assert_eq!(
        probe("tsync-conflict", "default allow; errno(EPERM) getppid;"),
        Exit::Code(0)
    );
}

#[test]
fn notify_delivers_the_call_to_the_listener() {
    assert_eq!(
        probe("notify", "default allow; notify getppid;"),
        Exit::Code(0)
    );
}

#[test]
fn status_reports_filter_mode() {
    assert_eq!(probe("status", "default allow;"), Exit::Code(0));
}

#[test]
fn rust_std_group_runs_a_threaded_std_program_and_nothing_more() {
    let policy = "default kill; allow @rust_std;";
    assert_eq!(probe("rust-std", policy), Exit::Code(0));
    assert_eq!(probe("rust-std-open", policy), SIGSYS);
}
