//! What recording a container costs: syscall-heavy commands in a runc container (a busybox
//! bundle; the counts are of recorded calls: `write` is let through unasked), run plainly
//! and recorded (`scc oci-runtime` with the
//! `io.containers.trace-syscall` annotation), best and median of several runs, each
//! timed from `runc run` to its exit (the container's creation included).
//!
//! ```sh
//! cargo build --release -p seccomp-scc --bin scc --example container_overhead
//! sudo target/release/examples/container_overhead [RUNS]
//! ```
//!
//! Needs root, `runc` and `busybox-static`. `scc` is looked up next to this example
//! (`target/PROFILE/scc`) or taken from `$SCC`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WORKLOADS: [(&str, &str); 3] = [
    (
        "dd bs=1: 100,000 reads (+ 100,000 writes)",
        "dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null",
    ),
    (
        "10,000 x echo > file: 60,000 calls",
        "i=0; while [ $i -lt 10000 ]; do echo $i > /tmp/f; i=$((i+1)); done",
    ),
    ("ls /: start-up only", "ls / > /dev/null"),
];

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map_or(7, |s| s.parse().expect("RUNS"));
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("container_overhead: needs root (runc, recording as root)");
        std::process::exit(2);
    }
    let scc = common::scc();
    let dir = std::env::temp_dir().join(format!("scc-container-overhead-{}", std::process::id()));
    let bundle = bundle(&dir);
    let out = dir.join("profile.json");

    println!("best and median of {runs} runs, `runc run` to exit");
    println!(
        "| {:<38} | {:<8} | {:>9} | {:>11} | {:>10} |",
        "workload", "run", "best (ms)", "median (ms)", "vs plain"
    );
    println!("| --- | --- | ---: | ---: | ---: |");
    for (label, script) in WORKLOADS {
        let mut base = None;
        for recorded in [false, true] {
            let mut config = bundle.1.clone();
            config["process"]["args"] = json!(["sh", "-c", script]);
            if recorded {
                config["annotations"] =
                    json!({"io.containers.trace-syscall": format!("of:{}", out.display())});
            }
            std::fs::write(bundle.0.join("config.json"), config.to_string()).unwrap();
            let mut times: Vec<Duration> = (0..runs)
                .map(|i| {
                    let id = format!("scc-overhead-{}-{i}", std::process::id());
                    let mut cmd = if recorded {
                        let mut c = Command::new(&scc);
                        c.args(["oci-runtime", "--"]);
                        c
                    } else {
                        Command::new("runc")
                    };
                    cmd.arg("--root")
                        .arg(dir.join("state"))
                        .args(["run", &id])
                        .current_dir(&bundle.0)
                        .stdin(Stdio::null())
                        .stdout(Stdio::null());
                    let start = Instant::now();
                    let st = cmd.status().expect("run runc");
                    let took = start.elapsed();
                    assert!(st.success(), "{label}: {st:?}");
                    took
                })
                .collect();
            if recorded {
                assert!(out.exists(), "nothing recorded");
            }
            times.sort();
            let best = times[0].as_secs_f64();
            let median = times[times.len() / 2].as_secs_f64();
            let base = *base.get_or_insert(best);
            println!(
                "| {:<38} | {:<8} | {:>9.1} | {:>11.1} | {:>9.1}x |",
                label,
                if recorded { "recorded" } else { "plain" },
                best * 1e3,
                median * 1e3,
                best / base
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A runc bundle in `dir` with busybox: its path and its config.
fn bundle(dir: &Path) -> (PathBuf, Value) {
    let bundle = dir.join("bundle");
    let bin = bundle.join("rootfs/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(bundle.join("rootfs/tmp")).unwrap();
    std::fs::copy("/bin/busybox", bin.join("busybox")).expect("busybox-static installed");
    for applet in ["sh", "dd", "ls", "echo", "["] {
        std::os::unix::fs::symlink("busybox", bin.join(applet)).unwrap();
    }
    let st = Command::new("runc")
        .arg("spec")
        .current_dir(&bundle)
        .status()
        .expect("runc installed");
    assert!(st.success());
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("config.json")).unwrap())
            .unwrap();
    config["process"]["terminal"] = json!(false);
    config["mounts"].as_array_mut().unwrap().push(json!({
        "destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
        "options": ["nosuid", "nodev", "mode=1777"]
    }));
    (bundle, config)
}
