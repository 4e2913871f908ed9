//! `scc stats`: the JSON figures match the compiled programs and the text output.

mod support;

use serde_json::Value;
use support::{scc_in, temp_dir};

const POLICY: &str = "\
group @stdio = { read, write(fd == 1 || fd == 2), fstat };
default kill;
allow @stdio, exit_group, rt_sigreturn, restart_syscall;
allow openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY);
errno(EACCES) openat, open;
";

#[test]
fn stats_json() {
    let dir = temp_dir("stats");
    std::fs::write(dir.join("policy.sc"), POLICY).unwrap();

    let run = scc_in(&dir, &["stats", "--format", "json", "policy.sc"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let stats: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    let stats = stats.as_array().expect("one object per arch");
    let arches: Vec<&str> = stats.iter().map(|s| s["arch"].as_str().unwrap()).collect();
    assert_eq!(arches, ["x86_64", "aarch64"]);

    // The instruction counts are those of the compiled programs.
    let run = scc_in(&dir, &["compile", "--format", "json", "policy.sc"]);
    let programs: Value = serde_json::from_str(&run.stdout).unwrap();
    for s in stats {
        let arch = s["arch"].as_str().unwrap();
        let len = programs[arch].as_array().unwrap().len() as u64;
        assert_eq!(s["instructions"].as_u64().unwrap(), len, "{arch}");
        let mean = s["mean_path"].as_f64().unwrap();
        let worst = s["worst_path"].as_u64().unwrap();
        assert!(mean >= 3.0 && mean <= worst as f64, "{s}");
        assert_eq!(s["range"], serde_json::json!([0, 450]));
        // read, fstat, exit_group, rt_sigreturn, restart_syscall; all cached.
        assert_eq!(s["allowed_unconditionally"], 5, "{s}");
        assert_eq!(s["cacheable"], 5, "{s}");
    }

    // --arch and --max-nr; -f is --format.
    let run = scc_in(
        &dir,
        &[
            "stats",
            "-f",
            "json",
            "--arch",
            "aarch64",
            "--max-nr",
            "99",
            "policy.sc",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let one: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["arch"], "aarch64");
    assert_eq!(one[0]["range"], serde_json::json!([0, 99]));

    // The text output says the same.
    let run = scc_in(&dir, &["stats", "--arch", "aarch64", "policy.sc"]);
    let aarch64 = &stats[1];
    assert!(
        run.stdout
            .contains(&format!("  instructions:  {}\n", aarch64["instructions"])),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "  mean path:     {:.2} ",
            aarch64["mean_path"].as_f64().unwrap()
        )),
        "{}",
        run.stdout
    );

    // A broken policy: exit 1, no JSON.
    std::fs::write(dir.join("broken.sc"), "default kill;\nallow opnat;\n").unwrap();
    let run = scc_in(&dir, &["stats", "--format", "json", "broken.sc"]);
    assert_eq!(run.status, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("error[S0101]"), "{}", run.stderr);
}
