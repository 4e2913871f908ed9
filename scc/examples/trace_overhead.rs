//! What `scc trace` costs: a syscall-heavy loop run untraced, under `scc trace`, and under
//! `strace -f -c` (if installed), best and median of several runs.
//!
//! ```sh
//! cargo build --release -p seccomp-scc --bin scc --example trace_overhead
//! target/release/examples/trace_overhead [CALLS] [RUNS]
//! ```
//!
//! The workloads: this program itself with `--loop CALLS` (`CALLS` raw `getppid` calls,
//! the cheapest syscall there is, so the difference is the tracing cost per call), `ls -la
//! /` and `tar -cf /dev/null /usr/share/doc` (stat-heavy; tar does not read the files
//! when the archive is /dev/null). `scc` is
//! looked up next to this example (`target/PROFILE/scc`) or taken from `$SCC`.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--loop") {
        let n: u64 = args[2].parse().expect("a number of calls");
        for _ in 0..n {
            // SAFETY: getppid takes no arguments.
            unsafe { libc::syscall(libc::SYS_getppid) };
        }
        return;
    }
    let calls: u64 = args.get(1).map_or(200_000, |s| s.parse().expect("CALLS"));
    let runs: usize = args.get(2).map_or(5, |s| s.parse().expect("RUNS"));
    let me = std::env::current_exe().expect("own path");
    let scc = common::scc();
    let me = me.to_str().expect("a UTF-8 path").to_owned();
    let n = calls.to_string();
    let workload = [me.as_str(), "--loop", n.as_str()];
    let scc = scc.to_str().expect("a UTF-8 path").to_owned();

    let strace = Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let workloads: Vec<(String, Vec<&str>)> = vec![
        (format!("{calls} getppid"), workload.to_vec()),
        ("ls -la /".into(), vec!["ls", "-la", "/"]),
        (
            "tar -cf /dev/null /usr/share/doc".into(),
            vec!["tar", "-cf", "/dev/null", "/usr/share/doc"],
        ),
    ];
    println!("best and median of {runs} runs");
    println!(
        "| {:<34} | {:<14} | {:>9} | {:>11} | {:>11} |",
        "workload", "run", "best (ms)", "median (ms)", "vs untraced"
    );
    println!("| --- | --- | ---: | ---: | ---: |");
    for (label, cmd) in &workloads {
        let mut rows: Vec<(&str, Vec<&str>)> = vec![
            ("untraced", cmd.clone()),
            (
                "scc trace",
                [scc.as_str(), "trace", "-o", "/dev/null", "--"]
                    .into_iter()
                    .chain(cmd.iter().copied())
                    .collect(),
            ),
        ];
        if strace {
            rows.push((
                "strace -f -c",
                ["strace", "-f", "-c", "-o", "/dev/null"]
                    .into_iter()
                    .chain(cmd.iter().copied())
                    .collect(),
            ));
        }
        let mut base = None;
        for (name, cmd) in rows {
            let mut times: Vec<Duration> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    let st = Command::new(cmd[0])
                        .args(&cmd[1..])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .expect("run");
                    assert!(st.success(), "{name}: {st:?}");
                    start.elapsed()
                })
                .collect();
            times.sort();
            let best = times[0].as_secs_f64();
            let median = times[times.len() / 2].as_secs_f64();
            let base = *base.get_or_insert(best);
            println!(
                "| {:<34} | {:<14} | {:>9.1} | {:>11.1} | {:>10.1}x |",
                label,
                name,
                best * 1e3,
                median * 1e3,
                best / base
            );
        }
    }
}
