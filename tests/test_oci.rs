//! Exported profiles under a real container runtime: runc runs busybox in an OCI bundle
//! with the profile in `linux.seccomp`, and the calls it denies fail with the profile's
//! errno, the ones it allows work, and a kill action kills.
//!
//! Needs `runc` and `busybox-static` (`.ci/run` installs them); without them the tests
//! skip, saying so (a failure under `SCC_REQUIRE_ALL=1`, as in CI). As root the bundle is a normal one;
//! otherwise it is a rootless one (`runc spec --rootless`, state under a temp dir).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seccomp_dsl::oci::{self, ExportOptions, Format, ImportOptions};
use seccomp_dsl::{Arch, compile_str};
use serde_json::{Value, json};

/// runc, if it and a static busybox (for the bundle) are installed; else the test skips.
fn runc() -> Option<PathBuf> {
    let runc = testkit::command("runc")?;
    testkit::command(BUSYBOX)?;
    Some(runc)
}

/// `busybox-static`'s binary, copied into every bundle.
const BUSYBOX: &str = "/bin/busybox";

fn root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A bundle in a fresh temp dir: busybox with applet links, `config.json` from
/// `runc spec`, a tmpfs at /tmp, no terminal, `args`, and the profile.
struct Bundle {
    dir: PathBuf,
}

impl Drop for Bundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn bundle(runc: &Path, name: &str, profile: Value, args: &[&str]) -> Bundle {
    let dir = std::env::temp_dir().join(format!("scc-oci-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let bin = dir.join("rootfs/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(dir.join("rootfs/tmp")).unwrap();
    std::fs::copy(BUSYBOX, bin.join("busybox")).unwrap();
    for applet in ["sh", "mkdir", "echo", "touch", "ls", "unshare", "true"] {
        std::os::unix::fs::symlink("busybox", bin.join(applet)).unwrap();
    }
    let mut spec = Command::new(runc);
    spec.arg("spec").current_dir(&dir);
    if !root() {
        spec.arg("--rootless");
    }
    let st = spec.status().unwrap();
    assert!(st.success(), "runc spec failed");
    let path = dir.join("config.json");
    let mut config: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config["process"]["terminal"] = json!(false);
    config["process"]["args"] = json!(args);
    config["mounts"].as_array_mut().unwrap().push(
        json!({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                     "options": ["nosuid", "nodev", "mode=1777"]}),
    );
    config["linux"]["seccomp"] = profile;
    std::fs::write(&path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    Bundle { dir }
}

fn run(runc: &Path, b: &Bundle, id: &str) -> Output {
    let state = b.dir.join("state");
    let id = format!("scc-{}-{id}", std::process::id());
    testkit::output_within(
        Command::new(runc)
            .arg("--root")
            .arg(&state)
            .args(["run", &id])
            .current_dir(&b.dir),
        std::time::Duration::from_secs(120),
    )
}

/// The exported OCI profile of a policy for the host.
fn profile(policy: &str) -> Value {
    let arch = Arch::native().unwrap();
    let out = compile_str("runc.sc", policy);
    assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
    let p = out.policy.unwrap();
    let e = oci::export(
        p.arch(arch).unwrap(),
        &ExportOptions {
            format: Format::Oci,
            name: "t".into(),
        },
    )
    .unwrap();
    serde_json::from_str(&e.text).unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn denied_calls_fail_with_the_profiles_errno_and_allowed_ones_work() {
    let Some(runc) = runc() else { return };
    for (errno, message) in [
        ("EPERM", "Operation not permitted"),
        ("EXDEV", "Invalid cross-device link"),
    ] {
        let p = profile(&format!("default allow; errno({errno}) mkdir, mkdirat;"));
        let b = bundle(
            &runc,
            errno,
            p,
            &[
                "sh",
                "-c",
                "echo start; mkdir /tmp/d; echo status=$?; touch /tmp/f && ls /tmp",
            ],
        );
        let o = run(&runc, &b, errno);
        let t = text(&o);
        assert!(o.status.success(), "{t}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("start") && out.contains("status=1"), "{t}");
        assert!(out.contains('f') && !out.lines().any(|l| l == "d"), "{t}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(message), "{t}");
    }
}

#[test]
fn a_kill_action_kills_the_container_process() {
    let Some(runc) = runc() else { return };
    let p = profile("default allow; kill_process mkdir, mkdirat;");
    let b = bundle(
        &runc,
        "kill",
        p,
        &["sh", "-c", "echo before; exec mkdir /tmp/d"],
    );
    let o = run(&runc, &b, "kill");
    let t = text(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("before"), "{t}");
    // runc exits with 128 + the signal that killed the container's process.
    assert_eq!(o.status.code(), Some(128 + libc::SIGSYS), "{t}");
}

/// Docker's profile (the rootless run gets a copy it can read, wherever the checkout is);
/// `None` without `../shared` (the test skips).
fn docker_profile() -> Option<PathBuf> {
    match std::env::var_os("SCC_OCI_DOCKER_JSON") {
        Some(p) => Some(PathBuf::from(p)),
        None => testkit::shared("profiles/docker-default.json"),
    }
}

#[test]
fn dockers_default_profile_imported_and_exported_runs_a_shell_and_denies_unshare() {
    let (Some(runc), Some(docker)) = (runc(), docker_profile()) else {
        return;
    };
    let json = std::fs::read_to_string(docker).unwrap();
    let arch = Arch::native().unwrap();
    let text_sc = oci::import_str(&json, &ImportOptions::new(arch))
        .text
        .unwrap();
    let out = compile_str("docker.sc", &text_sc);
    let e = oci::export(
        out.policy.unwrap().arch(arch).unwrap(),
        &ExportOptions {
            format: Format::Oci,
            name: "docker".into(),
        },
    )
    .unwrap();
    let p: Value = serde_json::from_str(&e.text).unwrap();
    let b = bundle(
        &runc,
        "docker",
        p,
        &[
            "sh",
            "-c",
            "mkdir /tmp/d && echo made; unshare -U true; echo unshare=$?",
        ],
    );
    let o = run(&runc, &b, "docker");
    let t = text(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("made"), "{t}");
    // unshare needs CAP_SYS_ADMIN in Docker's profile: EPERM (errno 1, the default).
    assert!(stdout.contains("unshare=1"), "{t}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Operation not permitted"),
        "{t}"
    );
}

#[test]
fn the_same_profiles_work_under_rootless_runc() {
    // As root, run this test binary's other tests again as `nobody` (runc then uses a
    // rootless bundle); as another user they already ran rootless.
    let (Some(_), Some(docker_json)) = (runc(), docker_profile()) else {
        return;
    };
    if !root() || std::env::var_os("SCC_OCI_CHILD").is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let dir = std::env::temp_dir().join(format!("scc-oci-rootless-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("test_oci");
    std::fs::copy(&exe, &copy).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let docker = dir.join("docker-default.json");
    std::fs::copy(docker_json, &docker).unwrap();
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o644)).unwrap();
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    std::os::unix::fs::chown(&tmp, Some(65534), Some(65534)).unwrap();
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&copy)
        .args(["--test-threads=1", "denied", "kill", "docker"])
        .env("SCC_OCI_CHILD", "1")
        .env("HOME", &tmp)
        .env("TMPDIR", &tmp)
        .env("SCC_OCI_DOCKER_JSON", &docker)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let t = text(&o);
    assert!(o.status.success(), "rootless run failed:\n{t}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("3 passed"),
        "{t}"
    );
}
