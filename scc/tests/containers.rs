//! Recording a container's profile with real runtimes, the workflow of
//! oci-seccomp-bpf-hook: record `ls /` in the container, run `ls /` under the recorded
//! profile (same output), run `ls -l /` under it (`Operation not permitted`, and the
//! runtime does not crash), record `ls -l /` with `if:` the first profile, run `ls -l /`
//! under the merged profile (works). With runc as root and rootless (`scc oci-runtime`),
//! podman (the hooks.d file in `hooks/`, stage precreate) and Docker (`scc oci-runtime`
//! registered in the daemon's config as the `scc-trace` runtime).
//!
//! The image is busybox with GNU `ls` (and its libraries) from the host: busybox's `ls
//! -l` makes no call `ls` does not, GNU's reads extended attributes.
//!
//! Needs root, `runc`, `busybox-static`, `podman`, `docker.io` (`.ci/run` installs
//! them); a test whose runtime is missing skips, saying so.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SCC: &str = env!("CARGO_BIN_EXE_scc");
const BUSYBOX: &str = "/bin/busybox";
const ANNOTATION: &str = "io.containers.trace-syscall";
/// busybox applets in the image (`ls` is GNU's).
const APPLETS: [&str; 8] = ["sh", "cat", "echo", "sync", "wc", "true", "mkdir", "sleep"];
/// The runtime's set-up calls, made before it installs the profile: never recorded.
const SETUP: [&str; 3] = ["mount", "pivot_root", "sethostname"];

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", text(&o));
    o
}

/// Runs a command to its end; one that hangs (a runtime waiting for a listener that
/// never comes) fails the test after two minutes instead of hanging CI.
fn run(cmd: &mut Command) -> Output {
    testkit::output_within(cmd, Duration::from_secs(120))
}

/// Every syscall a JSON profile allows (by any rule).
fn allowed(profile: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(profile)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", profile.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["defaultAction"], "SCMP_ACT_ERRNO", "{text}");
    let mut names: Vec<String> = v["syscalls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "SCMP_ACT_ALLOW")
        .flat_map(|e| e["names"].as_array().unwrap().iter())
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The root filesystem of the test image: busybox and applets, GNU `ls` with the
/// libraries `ldd` names, an empty `/tmp`.
fn rootfs(dir: &Path) -> PathBuf {
    let root = dir.join("rootfs");
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    std::fs::copy(BUSYBOX, bin.join("busybox")).unwrap();
    for a in APPLETS {
        std::os::unix::fs::symlink("busybox", bin.join(a)).unwrap();
    }
    let ls = testkit::find_command("ls").expect("ls is on PATH");
    std::fs::copy(&ls, bin.join("ls")).unwrap();
    let ldd = ok(run(Command::new("ldd").arg(&ls)));
    for lib in stdout(&ldd)
        .split_whitespace()
        .filter(|w| w.starts_with('/'))
    {
        let to = root.join(lib.trim_start_matches('/'));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(lib, &to).unwrap();
    }
    root
}

/// A runtime the workflow runs on.
trait Runtime {
    /// Runs `args` in a container whose `io.containers.trace-syscall` request is `request`.
    fn record(&self, request: &str, args: &[&str]) -> Output;
    /// Runs `args` in a container under the JSON profile `profile`.
    fn run_under(&self, profile: &Path, args: &[&str]) -> Output;
    /// Whether the runtime's own output says it failed (not the container's program).
    fn crashed(&self, o: &Output) -> bool {
        let e = stderr(o);
        e.contains("fatal error") || e.contains("panic") || e.contains("runc run failed")
    }
}

/// The workflow of the module docs, in `out` (a directory the runtime's user can write).
fn workflow(rt: &dyn Runtime, out: &Path) {
    let ls = out.join("ls.json");
    let lsl = out.join("lsl.json");
    let recorded = ok(rt.record(&format!("of:{}", ls.display()), &["ls", "/"]));
    assert!(
        stdout(&recorded).lines().any(|l| l == "bin"),
        "{}",
        text(&recorded)
    );
    // Written before the container exited: no waiting.
    let names = allowed(&ls);
    for call in SETUP {
        assert!(!names.iter().any(|n| n == call), "{call} in {names:?}");
    }
    for call in ["execve", "getdents64", "write"] {
        assert!(names.iter().any(|n| n == call), "no {call} in {names:?}");
    }

    let under = ok(rt.run_under(&ls, &["ls", "/"]));
    assert_eq!(stdout(&under), stdout(&recorded), "{}", text(&under));

    let denied = rt.run_under(&ls, &["ls", "-l", "/"]);
    assert!(
        stderr(&denied).contains("Operation not permitted"),
        "{}",
        text(&denied)
    );
    assert!(!rt.crashed(&denied), "{}", text(&denied));

    let request = format!("if:{};of:{}", ls.display(), lsl.display());
    ok(rt.record(&request, &["ls", "-l", "/"]));
    let merged = ok(rt.run_under(&lsl, &["ls", "-l", "/"]));
    assert!(
        !stderr(&merged).contains("Operation not permitted"),
        "{}",
        text(&merged)
    );
    assert!(stdout(&merged).contains("bin"), "{}", text(&merged));
    // The merged profile allows everything the first one did.
    let diff = run(Command::new(SCC)
        .args(["diff", "--subset-of"])
        .args([&lsl, &ls]));
    assert!(diff.status.success(), "{}", text(&diff));
    // Nothing left behind beside the outputs.
    let mut files: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.contains(".scc-"))
        .collect();
    files.sort();
    assert!(files.is_empty(), "{files:?}");
}

static ID: AtomicU32 = AtomicU32::new(0);

/// runc with a bundle, run directly or through `scc oci-runtime`.
struct Runc {
    runc: PathBuf,
    scc: PathBuf,
    bundle: PathBuf,
    state: PathBuf,
    /// The config `runc spec` wrote, with the test's changes.
    base: Value,
    /// Rootless: everything runs as this user.
    user: Option<u32>,
}

impl Runc {
    /// A bundle in `dir` (owned by `user` when rootless).
    fn new(runc: &Path, dir: &Path, user: Option<u32>) -> Runc {
        let bundle = dir.join("bundle");
        std::fs::create_dir_all(&bundle).unwrap();
        rootfs(&bundle);
        let state = dir.join("state");
        std::fs::create_dir_all(&state).unwrap();
        let mut scc = PathBuf::from(SCC);
        if let Some(uid) = user {
            // The test binary's directory may not be open to other users: a copy.
            scc = dir.join("scc");
            std::fs::copy(SCC, &scc).unwrap();
            for p in [dir, &state] {
                std::os::unix::fs::chown(p, Some(uid), Some(uid)).unwrap();
            }
            ok(run(Command::new("chown")
                .args(["-R", &format!("{uid}:{uid}")])
                .arg(&bundle)));
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut rt = Runc {
            runc: runc.to_path_buf(),
            scc,
            bundle,
            state,
            base: Value::Null,
            user,
        };
        let mut spec = rt.command(runc);
        spec.arg("spec").current_dir(&rt.bundle);
        if user.is_some() {
            spec.arg("--rootless");
        }
        ok(run(&mut spec));
        let path = rt.bundle.join("config.json");
        let mut config: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        config["process"]["terminal"] = json!(false);
        config["mounts"].as_array_mut().unwrap().push(json!({
            "destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
            "options": ["nosuid", "nodev", "mode=1777"]
        }));
        rt.base = config;
        rt
    }

    /// `program`, run as the rootless user if there is one.
    fn command(&self, program: &Path) -> Command {
        match self.user {
            None => Command::new(program),
            Some(uid) => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={uid}"))
                    .arg("--clear-groups")
                    .arg(program)
                    .env_remove("XDG_RUNTIME_DIR")
                    .env("TMPDIR", self.bundle.parent().unwrap())
                    .env("HOME", self.bundle.parent().unwrap());
                c
            }
        }
    }

    /// Runs a container with `config`: through `scc oci-runtime` (its runc log in
    /// `log`) when `wrapped`.
    fn start(&self, config: &Value, wrapped: bool, log: Option<&Path>) -> Output {
        let path = self.bundle.join("config.json");
        std::fs::write(&path, serde_json::to_string_pretty(config).unwrap()).unwrap();
        let id = format!(
            "scc-{}-{}",
            std::process::id(),
            ID.fetch_add(1, Ordering::SeqCst)
        );
        let mut global = vec!["--root".to_owned(), self.state.display().to_string()];
        if let Some(l) = log {
            global.extend(["--log".to_owned(), l.display().to_string()]);
            global.extend(["--log-format".to_owned(), "json".to_owned()]);
        }
        let mut cmd = if wrapped {
            let mut c = self.command(&self.scc);
            c.arg("oci-runtime")
                .arg("--runtime")
                .arg(&self.runc)
                .arg("--");
            c
        } else {
            self.command(&self.runc)
        };
        cmd.args(&global)
            .args(["run", &id])
            .current_dir(&self.bundle);
        let o = run(&mut cmd);
        // `scc oci-runtime` put the config back as it was.
        let after: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(&after, config, "config.json changed");
        o
    }

    fn config(&self, args: &[&str]) -> Value {
        let mut c = self.base.clone();
        c["process"]["args"] = json!(args);
        c
    }
}

impl Runtime for Runc {
    fn record(&self, request: &str, args: &[&str]) -> Output {
        let mut c = self.config(args);
        c["annotations"] = json!({ ANNOTATION: request });
        self.start(&c, true, None)
    }

    fn run_under(&self, profile: &Path, args: &[&str]) -> Output {
        let mut c = self.config(args);
        c["linux"]["seccomp"] =
            serde_json::from_str(&std::fs::read_to_string(profile).unwrap()).unwrap();
        self.start(&c, false, None)
    }
}

fn runc() -> Option<PathBuf> {
    if !testkit::root() {
        return None;
    }
    let runc = testkit::command("runc")?;
    testkit::command(BUSYBOX)?;
    testkit::command("ldd")?;
    Some(runc)
}

#[test]
fn runc_records_ls_and_runs_it_under_the_profile() {
    let Some(runc) = runc() else { return };
    let dir = support::temp_dir("containers-runc");
    let rt = Runc::new(&runc, &dir, None);
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    workflow(&rt, &out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rootless_runc_records_ls_and_runs_it_under_the_profile() {
    let Some(runc) = runc() else { return };
    if testkit::command("setpriv").is_none() {
        return;
    }
    let nobody = 65534;
    let dir = support::temp_dir("containers-rootless");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let rt = Runc::new(&runc, &dir.join("rt"), Some(nobody));
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::chown(&out, Some(nobody), Some(nobody)).unwrap();
    workflow(&rt, &out);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The threads program, built statically so it runs without a libc in the image.
fn threads_program(into: &Path) -> Option<PathBuf> {
    let rustc = testkit::command("rustc")?;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/containers/threads.rs");
    let exe = into.join("threads");
    ok(run(Command::new(rustc)
        .args([
            "--edition",
            "2024",
            "-O",
            "-C",
            "target-feature=+crt-static",
            "-o",
        ])
        .arg(&exe)
        .arg(&src)));
    Some(exe)
}

#[test]
fn every_process_and_thread_of_the_container_is_recorded() {
    let Some(runc) = runc() else { return };
    let dir = support::temp_dir("containers-tasks");
    let rt = Runc::new(&runc, &dir, None);
    let Some(_) = threads_program(&rt.bundle.join("rootfs/bin")) else {
        return;
    };
    // `sync` only in a forked subshell, `wc` in a pipeline's forked child, the threads'
    // calls only in the threads; `.sc` output this time.
    let script = "(sync; echo synced); echo a b c | wc -w; /bin/threads";
    let policy = dir.join("tasks.sc");
    let recorded = ok(rt.record(&format!("of:{}", policy.display()), &["sh", "-c", script]));
    let expected = stdout(&recorded);
    assert!(
        expected.starts_with("synced\n3\nsysinfo 0 getpriority "),
        "{}",
        text(&recorded)
    );
    let sc = std::fs::read_to_string(&policy).unwrap();
    for rule in [
        "allow sync;",
        "allow sysinfo;",
        "allow getpriority;",
        "allow wait4;",
        "allow pipe2;",
        "allow execve;",
        "default errno(EPERM);",
        "//   $ sh -c '(sync; echo synced); echo a b c | wc -w; /bin/threads'",
    ] {
        assert!(sc.contains(rule), "no `{rule}` in\n{sc}");
    }
    // Rust's threads come from `clone3`, busybox's children from `clone`.
    assert!(
        sc.contains("allow clone3;") && sc.contains("allow clone;"),
        "{sc}"
    );
    for call in SETUP {
        assert!(!sc.contains(&format!("allow {call}")), "{sc}");
    }
    let lint = run(Command::new(SCC).arg("lint").arg(&policy));
    assert!(lint.status.success(), "{}", text(&lint));
    // Exported, the policy runs the same container with the same output.
    let json = dir.join("tasks.json");
    ok(run(Command::new(SCC)
        .args(["export", "--format", "oci", "-o"])
        .arg(&json)
        .arg(&policy)));
    let under = ok(rt.run_under(&json, &["sh", "-c", script]));
    assert_eq!(stdout(&under), expected, "{}", text(&under));
    // Without a thread's call the output shows it was needed.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for entry in v["syscalls"].as_array_mut().unwrap() {
        if let Some(names) = entry["names"].as_array_mut() {
            names.retain(|n| n != "sysinfo");
        }
    }
    let without = dir.join("without-sysinfo.json");
    std::fs::write(&without, v.to_string()).unwrap();
    let o = ok(rt.run_under(&without, &["sh", "-c", script]));
    assert!(stdout(&o).contains("sysinfo -1 "), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exec_sessions_are_recorded_too() {
    let Some(runc) = runc() else { return };
    let dir = support::temp_dir("containers-exec");
    let rt = Runc::new(&runc, &dir, None);
    let profile = dir.join("exec.json");
    let mut c = rt.config(&["sleep", "3"]);
    c["annotations"] = json!({ ANNOTATION: format!("of:{}", profile.display()) });
    std::fs::write(rt.bundle.join("config.json"), c.to_string()).unwrap();
    let id = format!("scc-exec-{}", std::process::id());
    let state = rt.state.to_str().unwrap();
    // Detached: the container keeps its standard streams, so no pipes to wait for.
    let started = testkit::status_within(
        Command::new(SCC)
            .args(["oci-runtime", "--runtime"])
            .arg(&runc)
            .args(["--", "--root", state, "run", "--detach", &id])
            .current_dir(&rt.bundle)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        Duration::from_secs(120),
    );
    assert!(started.success(), "runc run --detach: {started:?}");
    // `sync` only in the exec'd process, which gets a listener of its own.
    ok(run(
        Command::new(&runc).args(["--root", state, "exec", &id, "sync"])
    ));
    let start = Instant::now();
    while !stdout(&run(
        Command::new(&runc).args(["--root", state, "state", &id])
    ))
    .contains("\"stopped\"")
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the container did not stop"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    ok(run(
        Command::new(&runc).args(["--root", state, "delete", &id])
    ));
    let names = allowed(&profile);
    assert!(names.iter().any(|n| n == "sync"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n == "nanosleep" || n == "clock_nanosleep"),
        "{names:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_requests_are_logged_and_the_container_starts_unrecorded() {
    let Some(runc) = runc() else { return };
    let dir = support::temp_dir("containers-bad");
    let rt = Runc::new(&runc, &dir, None);
    let not_a_profile = dir.join("notes.json");
    std::fs::write(&not_a_profile, "{\"hello\": 1}").unwrap();
    let out = dir.join("out.json");
    for (request, says) in [
        (
            "of:relative/ls.json".to_owned(),
            "the path must be absolute",
        ),
        ("ls.json".to_owned(), "must start with `of:`"),
        (
            "of:/nonexistent-dir/ls.json".to_owned(),
            "of:/nonexistent-dir/ls.json: cannot write there: No such file or directory",
        ),
        (
            format!("if:{};of:{}", not_a_profile.display(), out.display()),
            "not a seccomp profile",
        ),
    ] {
        let log = dir.join("runc.log");
        let _ = std::fs::remove_file(&log);
        let mut c = rt.config(&["ls", "/"]);
        c["annotations"] = json!({ ANNOTATION: request });
        let o = ok(rt.start(&c, true, Some(&log)));
        assert!(stdout(&o).lines().any(|l| l == "bin"), "{}", text(&o));
        // runc's own log (JSON lines, as containerd reads it) has the message.
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        let line: Value = logged
            .lines()
            .find_map(|l| serde_json::from_str(l).ok())
            .unwrap_or_else(|| panic!("no JSON line in {logged:?}"));
        let msg = line["msg"].as_str().unwrap();
        assert!(msg.contains(says), "{request}: {msg}");
        assert!(
            msg.contains("the container runs without recording"),
            "{msg}"
        );
        assert_eq!(line["level"], "warning");
        assert!(!out.exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// podman with a storage of its own, the hooks.d file from `hooks/` (pointing at this
/// `scc`, logging to a file) and the test image.
struct Podman {
    podman: PathBuf,
    dir: PathBuf,
    image: String,
}

impl Podman {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.podman);
        c.arg("--root")
            .arg(self.dir.join("storage"))
            .arg("--runroot")
            .arg(self.dir.join("run"))
            .args(["--storage-driver", "vfs", "--hooks-dir"])
            .arg(self.dir.join("hooks.d"));
        c
    }

    fn run(&self, opts: &[&str], args: &[&str]) -> Output {
        let mut c = self.command();
        c.args(["run", "--rm", "--network", "none"])
            .args([
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024",
            ])
            .args(opts)
            .arg(&self.image)
            .args(args);
        run(&mut c)
    }
}

impl Runtime for Podman {
    fn record(&self, request: &str, args: &[&str]) -> Output {
        self.run(&["--annotation", &format!("{ANNOTATION}={request}")], args)
    }

    fn run_under(&self, profile: &Path, args: &[&str]) -> Output {
        let opt = format!("seccomp={}", profile.display());
        self.run(&["--security-opt", &opt], args)
    }
}

#[test]
fn podman_records_through_the_hooks_d_file() {
    if !testkit::root() {
        return;
    }
    let (Some(podman), Some(_)) = (testkit::command("podman"), testkit::command(BUSYBOX)) else {
        return;
    };
    let dir = support::temp_dir("containers-podman");
    let root = rootfs(&dir);
    let hooks = dir.join("hooks.d");
    std::fs::create_dir_all(&hooks).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hooks/scc-trace.json");
    let mut hook: Value = serde_json::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
    let log = dir.join("hook.log");
    hook["hook"]["path"] = json!(SCC);
    hook["hook"]["args"]
        .as_array_mut()
        .unwrap()
        .extend([json!("--log"), json!(log)]);
    std::fs::write(hooks.join("scc-trace.json"), hook.to_string()).unwrap();
    let pm = Podman {
        podman,
        dir: dir.clone(),
        image: format!("localhost/scc-containers-{}", std::process::id()),
    };
    let tar = dir.join("rootfs.tar");
    ok(run(Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tar)
        .arg(".")));
    ok(run(pm
        .command()
        .args(["import", "-q"])
        .arg(&tar)
        .arg(&pm.image)));
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    workflow(&pm, &out);

    // A malformed annotation: the container runs, the hook's log says why.
    let o = ok(pm.record("of:ls.json", &["ls", "/"]));
    assert!(stdout(&o).lines().any(|l| l == "bin"), "{}", text(&o));
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("level=warning")
            && logged.contains(
                "`of:ls.json`: the path must be absolute; the container runs without recording"
            ),
        "{logged:?}"
    );
    let _ = run(pm.command().args(["rmi", "-f", &pm.image]));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Docker daemon of our own (data, exec root and socket in a temp dir, no network set-up),
/// with `scc oci-runtime` registered as the `scc-trace` runtime; stopped when dropped.
struct Dockerd {
    child: std::process::Child,
    dir: PathBuf,
    host: String,
}

impl Dockerd {
    /// Starts dockerd with `config` (its `daemon.json`), all its files in `dir`.
    fn start(dir: &Path, config: &Path) -> Dockerd {
        let host = format!("unix://{}", dir.join("docker.sock").display());
        let log = std::fs::File::create(dir.join("dockerd.log")).unwrap();
        let child = Command::new("dockerd")
            .arg("--config-file")
            .arg(config)
            .args([
                "--iptables=false",
                "--ip6tables=false",
                "--ip-forward=false",
            ])
            .args(["--ip-masq=false", "--bridge=none", "-H", &host])
            .arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--pidfile")
            .arg(dir.join("docker.pid"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start dockerd");
        let d = Dockerd {
            child,
            dir: dir.to_path_buf(),
            host,
        };
        let start = Instant::now();
        while !run(d.docker().arg("info")).status.success() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "dockerd did not start: {}",
                std::fs::read_to_string(dir.join("dockerd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        d
    }

    fn docker(&self) -> Command {
        let mut c = Command::new("docker");
        c.env("DOCKER_HOST", &self.host);
        c
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        // SAFETY: signalling our own child (its containerd goes with it).
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() {
            if start.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Docker with our daemon and the test image.
struct Docker<'a> {
    d: &'a Dockerd,
    image: String,
}

impl Runtime for Docker<'_> {
    fn record(&self, request: &str, args: &[&str]) -> Output {
        let env = format!("SCC_TRACE_SYSCALL={request}");
        run(self
            .d
            .docker()
            .args([
                "run",
                "--rm",
                "--network",
                "none",
                "--runtime",
                "scc-trace",
                "-e",
                &env,
            ])
            .arg(&self.image)
            .args(args))
    }

    fn run_under(&self, profile: &Path, args: &[&str]) -> Output {
        let opt = format!("seccomp={}", profile.display());
        run(self
            .d
            .docker()
            .args(["run", "--rm", "--network", "none", "--security-opt", &opt])
            .arg(&self.image)
            .args(args))
    }
}

/// runc, if root and runc, busybox, dockerd and docker are there.
fn docker_runc() -> Option<PathBuf> {
    let runc = runc()?;
    testkit::command("dockerd")?;
    testkit::command("docker")?;
    Some(runc)
}

/// Imports a root filesystem as `image`.
fn docker_import(d: &Dockerd, root: &Path, image: &str) {
    let tar = d.dir.join("rootfs.tar");
    ok(run(Command::new("tar")
        .arg("-C")
        .arg(root)
        .arg("-cf")
        .arg(&tar)
        .arg(".")));
    ok(run(d.docker().arg("import").arg(&tar).arg(image)));
}

#[test]
fn docker_records_through_the_scc_trace_runtime() {
    let Some(runc) = docker_runc() else { return };
    let dir = support::temp_dir("containers-docker");
    let config = dir.join("daemon.json");
    let runtime = json!({"runtimes": {"scc-trace": {
        "path": SCC, "runtimeArgs": ["oci-runtime", "--runtime", runc, "--"]}}});
    std::fs::write(&config, runtime.to_string()).unwrap();
    let d = Dockerd::start(&dir, &config);
    let root = rootfs(&d.dir);
    docker_import(&d, &root, "scc-containers-ls");
    let out = d.dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let docker = Docker {
        d: &d,
        image: "scc-containers-ls".into(),
    };
    workflow(&docker, &out);
    // The variable asking for the recording is not in the container's environment.
    let env = ok(docker.record(
        &format!("of:{}", out.join("env.json").display()),
        &["sh", "-c", "echo \"[$SCC_TRACE_SYSCALL]\""],
    ));
    assert_eq!(stdout(&env), "[]\n");
    assert!(out.join("env.json").exists());
}

/// `examples/ci`, copied to `dir`: the scripts the GitHub Actions workflow runs.
fn ci_example(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/ci");
    let to = dir.join("ci");
    ok(run(Command::new("cp").arg("-r").arg(&from).arg(&to)));
    to
}

#[test]
fn the_ci_example_passes_and_fails_when_the_app_does_more() {
    let Some(_) = docker_runc() else { return };
    let Some(_) = testkit::command("jq") else {
        return;
    };
    let dir = support::temp_dir("containers-ci");
    let ci = ci_example(&dir);
    let scc_dir = Path::new(SCC).parent().unwrap();
    let path = format!(
        "{}:{}",
        scc_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The workflow's steps: its `run:` lines, with our daemon for the system's.
    let step = |host: &str, script: &str, args: &[&str]| {
        run(Command::new(ci.join(script))
            .args(args)
            .current_dir(&ci)
            .env("PATH", &path)
            .env("DOCKER_HOST", host)
            .env("BASE", "scc-ci-busybox"))
    };
    let config = dir.join("daemon.json");
    std::fs::write(&config, "{\"debug\": false}").unwrap();
    ok(step("", "setup-docker.sh", &[config.to_str().unwrap()]));
    let d = Dockerd::start(&dir, &config);
    // The busybox image the Dockerfile starts from (a registry's on GitHub).
    let base = dir.join("base");
    std::fs::create_dir_all(base.join("bin")).unwrap();
    std::fs::copy(BUSYBOX, base.join("bin/busybox")).unwrap();
    let list = ok(run(Command::new(BUSYBOX).arg("--list")));
    for applet in stdout(&list).lines().filter(|a| *a != "busybox") {
        std::os::unix::fs::symlink("busybox", base.join("bin").join(applet)).unwrap();
    }
    docker_import(&d, &base, "scc-ci-busybox");

    ok(step(&d.host, "build.sh", &["app:ci"]));
    // The approved profile in the repository covers this run.
    let checked = ok(step(
        &d.host,
        "check-profile.sh",
        &["app:ci", "approved.json", "profile.json"],
    ));
    assert!(
        stdout(&checked).contains("test passed"),
        "{}",
        text(&checked)
    );
    assert!(
        stdout(&checked).contains("profile.json allows no more than approved.json"),
        "{}",
        text(&checked)
    );
    // A change that makes the app do more: the check fails and says what is new.
    let app = ci.join("app/app.sh");
    let mut src = std::fs::read_to_string(&app).unwrap();
    src.push_str("mkdir -p /tmp/cache\n");
    std::fs::write(&app, src).unwrap();
    ok(step(&d.host, "build.sh", &["app:ci"]));
    let failed = step(
        &d.host,
        "check-profile.sh",
        &["app:ci", "approved.json", "profile.json"],
    );
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(stdout(&failed).contains("test passed"), "{}", text(&failed));
    assert!(text(&failed).contains("mkdir"), "{}", text(&failed));
    assert!(stderr(&failed).contains("--approve"), "{}", text(&failed));
    // Approving makes the next check pass.
    ok(step(
        &d.host,
        "check-profile.sh",
        &["app:ci", "approved.json", "profile.json", "--approve"],
    ));
    ok(step(
        &d.host,
        "check-profile.sh",
        &["app:ci", "approved.json", "profile.json"],
    ));
}
