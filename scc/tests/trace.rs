//! `scc trace` on real programs: the recorded policy lints clean, and the same workload
//! run under it (`scc run`, default kill) succeeds with the same output, while a workload
//! that does one thing more is killed or gets the errno. Threads and child processes are
//! followed; the traced program's output and exit status pass through unchanged.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const SCC: &str = env!("CARGO_BIN_EXE_scc");
const PYTHON: &str = "/usr/bin/python3";

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scc-trace-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `scc trace [extra...] -o POLICY -- CMD...` in `dir`.
fn trace(dir: &Path, policy: &str, extra: &[&str], cmd: &[&str]) -> Output {
    let mut args = vec!["trace", "-o", policy];
    args.extend_from_slice(extra);
    args.push("--");
    args.extend_from_slice(cmd);
    run(dir, SCC, &args)
}

/// `scc run POLICY -- CMD...` in `dir`.
fn under(dir: &Path, policy: &str, cmd: &[&str]) -> Output {
    let mut args = vec!["run", policy, "--"];
    args.extend_from_slice(cmd);
    run(dir, SCC, &args)
}

/// The recorded policy has no lint errors and compiles.
fn lint_clean(dir: &Path, policy: &str) -> String {
    let out = run(dir, SCC, &["lint", policy]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let out = run(dir, SCC, &["compile", policy, "-o", "/dev/null"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::read_to_string(dir.join(policy)).unwrap()
}

fn killed_by_sigsys(o: &Output) -> bool {
    o.status.signal() == Some(libc::SIGSYS)
}

/// `ls -la` output without the fields that change between runs (link counts of /proc,
/// sizes and times of directories other processes write to): names and types only.
fn ls_names(o: &Output) -> Vec<String> {
    text(&o.stdout)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.len() {
                n if n >= 9 => format!("{} {}", &f[0][..1], f[8..].join(" ")),
                _ => l.to_owned(),
            }
        })
        .collect()
}

#[test]
fn ls_la_root() {
    let dir = tempdir("ls");
    let plain = run(&dir, "ls", &["-la", "/"]);
    let traced = trace(&dir, "ls.sc", &[], &["ls", "-la", "/"]);
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    assert_eq!(ls_names(&traced), ls_names(&plain));
    let policy = lint_clean(&dir, "ls.sc");
    assert!(policy.contains("allow getdents64;"), "{policy}");
    assert!(policy.contains("default kill;"), "{policy}");

    let sandboxed = under(&dir, "ls.sc", &["ls", "-la", "/"]);
    assert!(sandboxed.status.success(), "{:?}", sandboxed.status);
    assert_eq!(ls_names(&sandboxed), ls_names(&plain));
    assert_eq!(text(&sandboxed.stderr), text(&plain.stderr));
}

#[test]
fn tar_create_and_list_merged_into_one_policy() {
    let dir = tempdir("tar");
    std::fs::create_dir_all(dir.join("data/sub")).unwrap();
    std::fs::write(dir.join("data/a.txt"), "hello\n").unwrap();
    std::fs::write(dir.join("data/sub/b.txt"), "world\n").unwrap();
    let create = ["tar", "-cf", "a.tar", "data"];
    let list = ["tar", "-tvf", "a.tar"];

    let out = trace(&dir, "tar.sc", &[], &create);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let traced_list = trace(&dir, "tar.sc", &["--merge", "tar.sc"], &list);
    assert!(
        traced_list.status.success(),
        "{}",
        text(&traced_list.stderr)
    );
    let policy = lint_clean(&dir, "tar.sc");
    assert!(policy.contains("//   $ tar -cf a.tar data"), "{policy}");
    assert!(policy.contains("//   $ tar -tvf a.tar"), "{policy}");

    std::fs::remove_file(dir.join("a.tar")).unwrap();
    let out = under(&dir, "tar.sc", &create);
    assert!(
        out.status.success(),
        "{:?} {}",
        out.status,
        text(&out.stderr)
    );
    let out = under(&dir, "tar.sc", &list);
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(text(&out.stdout), text(&traced_list.stdout));
    assert!(text(&out.stdout).contains("data/sub/b.txt"));

    // One thing more: compressing makes tar start gzip (clone, execve): killed.
    let out = under(&dir, "tar.sc", &["tar", "-czf", "b.tgz", "data"]);
    assert!(
        killed_by_sigsys(&out),
        "{:?} {}",
        out.status,
        text(&out.stderr)
    );
}

const PY_FILE: &str = "
import sys
with open('out.txt', 'w') as f:
    f.write('written by python\\n')
with open('out.txt') as f:
    print(f.read().upper(), end='')
";

#[test]
fn python_reads_and_writes_a_file() {
    if testkit::command(PYTHON).is_none() {
        return;
    }
    let dir = tempdir("python");
    let traced = trace(&dir, "py.sc", &[], &[PYTHON, "-c", PY_FILE]);
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    assert_eq!(text(&traced.stdout), "WRITTEN BY PYTHON\n");
    let policy = lint_clean(&dir, "py.sc");
    assert!(
        policy.contains("openat(flags & O_ACCMODE in {O_RDONLY, O_WRONLY})"),
        "{policy}"
    );
    assert!(!policy.contains("allow socket"), "{policy}");

    std::fs::remove_file(dir.join("out.txt")).unwrap();
    let out = under(&dir, "py.sc", &[PYTHON, "-c", PY_FILE]);
    assert!(
        out.status.success(),
        "{:?} {}",
        out.status,
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "WRITTEN BY PYTHON\n");

    // One thing more: a socket. Under default kill the process dies...
    let more = format!("{PY_FILE}\nimport socket\nsocket.socket()\nprint('made a socket')");
    let out = under(&dir, "py.sc", &[PYTHON, "-c", &more]);
    assert!(killed_by_sigsys(&out), "{:?}", out.status);
    assert!(!text(&out.stdout).contains("made a socket"));

    // ...and recorded with `--default errno(EACCES)` it gets the errno instead.
    let traced = trace(
        &dir,
        "py-errno.sc",
        &["--default", "errno(EACCES)"],
        &[PYTHON, "-c", PY_FILE],
    );
    assert!(traced.status.success());
    assert!(lint_clean(&dir, "py-errno.sc").contains("default errno(EACCES);"));
    let out = under(&dir, "py-errno.sc", &[PYTHON, "-c", &more]);
    assert_eq!(out.status.code(), Some(1), "{:?}", out.status);
    assert!(
        text(&out.stderr).contains("PermissionError"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn sh_pipeline_follows_every_process() {
    if testkit::command(PYTHON).is_none() {
        return;
    }
    let dir = tempdir("sh");
    let script = "echo hello world | tr a-z A-Z | wc -c";
    let plain = run(&dir, "sh", &["-c", script]);
    let traced = trace(&dir, "sh.sc", &["--summary"], &["sh", "-c", script]);
    assert!(traced.status.success());
    assert_eq!(text(&traced.stdout), text(&plain.stdout));
    let policy = lint_clean(&dir, "sh.sc");
    // Three programs exec'd (sh, tr, wc), forks recorded with their flags.
    let execs = policy
        .lines()
        .find(|l| l.starts_with("allow execve;"))
        .unwrap();
    assert!(execs.contains("// 3 calls"), "{execs}");
    assert!(policy.contains("allow clone(clone_flags =="), "{policy}");
    assert!(
        policy.contains("allow pipe2") || policy.contains("allow pipe"),
        "{policy}"
    );
    let summary = text(&traced.stderr);
    assert!(
        summary.contains("% calls") && summary.contains(" execve\n"),
        "{summary}"
    );

    let out = under(&dir, "sh.sc", &["sh", "-c", script]);
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(text(&out.stdout), text(&plain.stdout));

    // One thing more: the same pipeline, then another program (python) that needs
    // calls the policy does not have; it is killed, and sh reports it.
    let more = format!("{script}; {PYTHON} -c 'print(1)'");
    let out = under(&dir, "sh.sc", &["sh", "-c", &more]);
    assert_eq!(text(&out.stdout), text(&plain.stdout));
    // (dash execs the last command in its own process: then sh itself is killed.)
    assert!(
        killed_by_sigsys(&out) || out.status.code() == Some(128 + libc::SIGSYS),
        "{:?}",
        out.status
    );
}

const PY_THREADS: &str = "
import os, subprocess, sys, threading
def worker():
    os.times()
t = threading.Thread(target=worker)
t.start(); t.join()
pid = os.fork()
if pid == 0:
    os.getpriority(os.PRIO_PROCESS, 0)
    os._exit(0)
os.waitpid(pid, 0)
subprocess.run(['/bin/true'], check=True)
print('done')
sys.exit(3)
";

#[test]
fn threads_and_children_are_followed_and_the_exit_status_passes_through() {
    if testkit::command(PYTHON).is_none() {
        return;
    }
    let dir = tempdir("threads");
    let traced = trace(&dir, "thr.sc", &["--summary"], &[PYTHON, "-c", PY_THREADS]);
    assert_eq!(traced.status.code(), Some(3), "{}", text(&traced.stderr));
    assert_eq!(text(&traced.stdout), "done\n");
    let policy = lint_clean(&dir, "thr.sc");
    // `times` is called by the thread only, `getpriority` by the forked child only, and
    // /bin/true is exec'd by a grandchild started with clone3 or vfork.
    assert!(policy.contains("allow times;"), "{policy}");
    assert!(policy.contains("allow getpriority;"), "{policy}");
    assert!(policy.contains("allow clone3;"), "{policy}");
    let execve = policy
        .lines()
        .find(|l| l.starts_with("allow execve;"))
        .unwrap();
    assert!(execve.contains("// 2 calls"), "{execve}");
    let tasks: usize = text(&traced.stderr)
        .lines()
        .find_map(|l| {
            l.strip_suffix(" threads and processes traced")?
                .parse()
                .ok()
        })
        .expect("the summary counts tasks");
    assert!(tasks >= 4, "main, thread, child, subprocess: {tasks}");

    let out = under(&dir, "thr.sc", &[PYTHON, "-c", PY_THREADS]);
    assert_eq!(out.status.code(), Some(3), "{:?}", out.status);
    assert_eq!(text(&out.stdout), "done\n");
    // Without the thread's own call, the thread is killed (and with it the process).
    let no_times = dir.join("no-times.sc");
    let text_no_times: String = policy
        .lines()
        .filter(|l| !l.starts_with("allow times;"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&no_times, text_no_times).unwrap();
    let out = under(
        &dir,
        no_times.to_str().unwrap(),
        &[PYTHON, "-c", PY_THREADS],
    );
    assert!(killed_by_sigsys(&out), "{:?}", out.status);
}

#[test]
fn signals_and_failures_pass_through() {
    let dir = tempdir("status");
    let out = trace(&dir, "p.sc", &[], &["sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.signal(), Some(libc::SIGTERM), "{:?}", out.status);
    assert!(dir.join("p.sc").exists(), "the policy is written before");
    // SIGTERM and SIGINT sent to scc go to the command, which dies of it; so does scc.
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let mut child = Command::new(SCC)
            .args(["trace", "-o", "sleep.sc", "--", "sleep", "60"])
            .current_dir(&dir)
            .spawn()
            .unwrap();
        let _ = std::fs::remove_file(dir.join("sleep.sc"));
        // Wait until sleep sleeps: its pid from scc's children, its syscall from /proc.
        let nanosleep = seccomp_dsl::Arch::native()
            .unwrap()
            .syscall("clock_nanosleep")
            .unwrap()
            .nr
            .to_string();
        let children = format!("/proc/{0}/task/{0}/children", child.id());
        let start = std::time::Instant::now();
        loop {
            let pid = std::fs::read_to_string(&children).unwrap_or_default();
            let call = std::fs::read_to_string(format!("/proc/{}/syscall", pid.trim()));
            if call.unwrap_or_default().split(' ').next() == Some(nanosleep.as_str()) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sleep never slept"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, sig) };
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(sig), "{status:?}");
        assert!(start.elapsed() < Duration::from_secs(30));
        let policy = std::fs::read_to_string(dir.join("sleep.sc")).unwrap();
        assert!(policy.contains("allow clock_nanosleep;"), "{policy}");
    }
    let out = trace(&dir, "q.sc", &[], &["no-such-command-here"]);
    assert_eq!(out.status.code(), Some(127));
    assert!(text(&out.stderr).contains("command not found"));
    let out = trace(&dir, "q.sc", &["--default", "explode"], &["true"]);
    assert_eq!(out.status.code(), Some(2));
    // The OCI format, to stdout after the command's output.
    let out = run(
        &dir,
        SCC,
        &["trace", "--format", "oci", "--", "sh", "-c", "echo hi"],
    );
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let json = stdout
        .strip_prefix("hi\n")
        .expect("the command's output first");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["defaultAction"], "SCMP_ACT_KILL_PROCESS");
}

/// The `server` example, built by `cargo test --workspace` next to `scc`.
fn server_binary() -> PathBuf {
    let p = Path::new(SCC).with_file_name("server");
    assert!(
        p.exists(),
        "{} is missing: build it with `cargo build -p examples --bin server` (cargo test --workspace does)",
        p.display()
    );
    p
}

/// Starts `scc SUBCOMMAND ... -- server 0`, drives it like a client and asks it to quit.
fn serve_and_load(dir: &Path, scc_args: &[&str]) -> (std::process::ExitStatus, Vec<String>) {
    let server = server_binary();
    let mut args: Vec<&str> = scc_args.to_vec();
    args.extend(["--", server.to_str().unwrap(), "0"]);
    let mut child = Command::new(SCC)
        .args(&args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();
    let mut echoes = Vec::new();
    for conn in 0..3 {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        for i in 0..20 {
            writeln!(s, "message {i} on connection {conn}").unwrap();
            let mut echo = String::new();
            r.read_line(&mut echo).unwrap();
            echoes.push(echo);
        }
    }
    let mut s = TcpStream::connect(&addr).unwrap();
    writeln!(s, "quit").unwrap();
    let status = child.wait().unwrap();
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);
    (status, echoes)
}

#[test]
fn server_example_under_a_clients_load() {
    let dir = tempdir("server");
    let (status, echoes) = serve_and_load(&dir, &["trace", "-o", "server.sc"]);
    assert!(status.success(), "{status:?}");
    assert_eq!(echoes.len(), 60);
    assert_eq!(echoes[21], "message 1 on connection 1\n");
    let policy = lint_clean(&dir, "server.sc");
    // Threads, the listening socket, and the server's own seccomp filter.
    assert!(policy.contains("allow accept4;"), "{policy}");
    assert!(policy.contains("socket(domain == AF_INET"), "{policy}");
    assert!(policy.contains("allow seccomp;"), "{policy}");
    assert!(
        policy.contains("prctl(option in {") || policy.contains("prctl(option =="),
        "{policy}"
    );

    let (status, again) = serve_and_load(&dir, &["run", "server.sc"]);
    assert!(status.success(), "{status:?}");
    assert_eq!(again, echoes);
}

/// The `std_workload` example, built by `cargo test` next to `scc`.
fn std_workload() -> PathBuf {
    let p = Path::new(SCC)
        .with_file_name("examples")
        .join("std_workload");
    assert!(
        p.exists(),
        "{} is missing: `cargo test -p seccomp-scc` builds it",
        p.display()
    );
    p
}

/// Syscall → count, from a policy `scc trace` wrote.
fn counts(path: &Path) -> std::collections::BTreeMap<&'static str, u64> {
    let out = seccomp_dsl::compile_file(path).unwrap();
    assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
    let rec =
        seccomp_scc::recording::read_policy(out.policy.as_ref().unwrap(), &out.sources).unwrap();
    rec.arches
        .values()
        .flat_map(|r| r.calls.iter().map(|(n, c)| (*n, c.count)))
        .collect()
}

#[test]
fn rust_std_is_what_scc_trace_derives() {
    let dir = tempdir("rust-std");
    let workload = std_workload();
    for mode in ["empty", "all"] {
        let out = Command::new(SCC)
            .args(["trace", "-o", &format!("{mode}.sc"), "--"])
            .arg(&workload)
            .arg(mode)
            .current_dir(&dir)
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .output()
            .unwrap();
        assert!(out.status.success(), "{mode}: {}", text(&out.stderr));
    }
    let empty = counts(&dir.join("empty.sc"));
    let all = counts(&dir.join("all.sc"));
    let mut derived: BTreeSet<&str> = all
        .iter()
        .filter(|(name, n)| **n > empty.get(*name).copied().unwrap_or(0))
        .map(|(name, _)| *name)
        .collect();
    derived.extend(seccomp_scc::recording::ESSENTIAL);
    // Added by hand, with the reasons the README gives.
    derived.extend(["clone", "sched_yield"]);
    let group: BTreeSet<&str> = seccomp_dsl::groups::builtin_group("rust_std")
        .unwrap()
        .members
        .iter()
        .copied()
        .collect();
    assert_eq!(
        group, derived,
        "update @rust_std (groups.rs and the README)"
    );
}

#[test]
fn merge_grows_in_sets_and_args_none_drops_conditions() {
    let dir = tempdir("merge");
    let read = ["sh", "-c", "cat /etc/hostname"];
    let write = ["sh", "-c", "echo x > out.txt"];
    assert!(trace(&dir, "m.sc", &[], &read).status.success());
    let first = lint_clean(&dir, "m.sc");
    assert!(
        first.contains("openat(flags & O_ACCMODE == O_RDONLY)"),
        "{first}"
    );
    assert!(
        trace(&dir, "m.sc", &["--merge", "m.sc"], &write)
            .status
            .success()
    );
    let merged = lint_clean(&dir, "m.sc");
    assert!(
        merged.contains("openat(flags & O_ACCMODE in {O_RDONLY, O_WRONLY})"),
        "{merged}"
    );
    let execve = |p: &str| -> u64 {
        let line = p.lines().find(|l| l.starts_with("allow execve;")).unwrap();
        line.split("// ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        execve(&merged),
        execve(&first) + 1,
        "sh -c 'echo' execs nothing"
    );
    for cmd in [&read, &write] {
        let out = under(&dir, "m.sc", cmd);
        assert!(out.status.success(), "{cmd:?}: {:?}", out.status);
    }

    assert!(
        trace(&dir, "n.sc", &["--args", "none"], &write)
            .status
            .success()
    );
    let none = lint_clean(&dir, "n.sc");
    assert!(
        none.lines()
            .all(|l| !l.starts_with("allow") || !l.contains('(')),
        "{none}"
    );
    assert!(none.contains("allow openat;"), "{none}");
}
