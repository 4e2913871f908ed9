//! `scc check POLICY CALL...`: the action and the deciding rule, from the policy and from
//! its compiled filter; `_` arguments, several calls, JSON, mistakes in the call, and a
//! filter that does not implement the policy.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{Run, scc_in, temp_dir};

const POLICY: &str = "\
// A small policy.
group @stdio = { read, write(fd == 1 || fd == 2), fstat };
default kill;
allow @stdio, exit_group, rt_sigreturn, restart_syscall;
allow openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY);
errno(EACCES) openat, open;
";

fn setup(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("policy.sc"), POLICY).unwrap();
    dir
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    scc_in(dir, &all)
}

#[test]
fn prints_the_action_and_the_rule_on_every_arch() {
    let dir = setup("check-basic");
    let run = check(&dir, &["policy.sc", "openat(AT_FDCWD, _, O_RDONLY)"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "x86_64: allow  (policy.sc:5: allow openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY);  where AT_FDCWD = -100, O_ACCMODE = 3, O_RDONLY = 0)\n\
         aarch64: allow  (policy.sc:5: allow openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY);  where AT_FDCWD = -100, O_ACCMODE = 3, O_RDONLY = 0)\n"
    );

    // Several calls, one --arch; negative numbers and `|`; a group; the default; a
    // number that only exists as x32.
    let run = check(
        &dir,
        &[
            "--arch",
            "x86_64",
            "policy.sc",
            "openat(-100, 0, O_WRONLY | O_CREAT)",
            "write(2, _, _)",
            "execve",
            "0x40000001",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "openat(-100, 0, O_WRONLY | O_CREAT)\n\
         \x20 x86_64: errno(EACCES)  (policy.sc:6: errno(EACCES) openat, open;  where EACCES = 13)\n\
         write(2, _, _)\n\
         \x20 x86_64: allow  (policy.sc:4: allow @stdio, exit_group, rt_sigreturn, restart_syscall; via policy.sc:2: write(fd == 1 || fd == 2))\n\
         execve\n\
         \x20 x86_64: kill  (policy.sc:3: default kill;)\n\
         0x40000001\n\
         \x20 x86_64: kill  (an x32 syscall number: killed before any rule)\n"
    );
}

#[test]
fn any_value_shows_each_decision_with_an_example() {
    let dir = setup("check-any");
    let run = check(
        &dir,
        &["--arch", "aarch64", "policy.sc", "openat(AT_FDCWD, _, _)"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("aarch64: depends on the arguments written `_` ("),
        "{}",
        run.stdout
    );
    // The pointer `filename` is never looked at, so only `flags` is named.
    assert_eq!(
        &lines[1..],
        [
            "  allow  when flags = 0  (policy.sc:5: allow openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY);  where AT_FDCWD = -100, O_ACCMODE = 3, O_RDONLY = 0)",
            "  errno(EACCES)  when flags = 1  (policy.sc:6: errno(EACCES) openat, open;  where EACCES = 13)",
        ]
    );
}

#[test]
fn a_syscall_missing_on_one_arch_is_said_so() {
    let dir = setup("check-open");
    let run = check(&dir, &["policy.sc", "open"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "x86_64: errno(EACCES)  (policy.sc:6: errno(EACCES) openat, open;  where EACCES = 13)\n\
         aarch64: `open` is not a syscall on aarch64\n"
    );
}

#[test]
fn mistakes_in_the_call_get_a_diagnostic_with_did_you_mean() {
    let dir = setup("check-typos");
    let run = check(&dir, &["policy.sc", "opnat(AT_FDCWD, _, O_RDONLY)"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("error[S0101]: unknown syscall `opnat`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `openat`?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> <call>:1:1"), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("error[S0101]").count(),
        1,
        "once, not per arch"
    );

    let run = check(&dir, &["policy.sc", "openat(AT_FDCWD, _, O_RDONY)"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .contains("error[S0103]: unknown constant `O_RDONY`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `O_RDONLY`?"),
        "{}",
        run.stderr
    );

    let run = check(&dir, &["policy.sc", "openat(AT_FDCWD, _, O_RDONLY"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("error[S0001]: expected `,` or `)`"),
        "{}",
        run.stderr
    );

    let run = check(&dir, &["policy.sc", "close(1, 2)"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("`close` takes 1 argument, not 2"),
        "{}",
        run.stderr
    );

    // The good calls are still answered.
    let run = check(&dir, &["policy.sc", "opnat", "read"]);
    assert_eq!(run.status, 2);
    assert!(run.stdout.contains("x86_64: allow"), "{}", run.stdout);
}

#[test]
fn json_output() {
    let dir = setup("check-json");
    let run = check(
        &dir,
        &[
            "--format",
            "json",
            "--arch",
            "x86_64",
            "policy.sc",
            "openat(AT_FDCWD, _, _)",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let r = &v[0];
    assert_eq!(r["arch"], "x86_64");
    assert_eq!(r["syscall"], "openat");
    assert_eq!(r["nr"], 257);
    assert_eq!(r["args"][0], 0xffff_ffff_ffff_ff9c_u64);
    assert_eq!(r["args"][1], Value::Null);
    assert_eq!(r["agree"], true);
    let outcomes = r["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 2);
    assert_eq!(outcomes[0]["action"], "allow");
    assert_eq!(outcomes[0]["reason"], "rule");
    assert_eq!(outcomes[0]["rule"]["line"], 5);
    assert_eq!(outcomes[1]["action"], "errno(EACCES)");
    assert_eq!(outcomes[1]["ret"], 0x0005_000d);
    assert_eq!(outcomes[1]["example"][2], 1);
    assert_eq!(r["exhaustive"], true);
    let total: u64 = outcomes.iter().map(|o| o["inputs"].as_u64().unwrap()).sum();
    assert_eq!(r["inputs"].as_u64().unwrap(), total);
}

#[test]
fn a_filter_that_does_not_implement_the_policy_is_caught() {
    let dir = setup("check-bpf");
    std::fs::write(dir.join("other.sc"), "arch x86_64;\ndefault allow;\n").unwrap();
    let compiled = |policy: &str, out: &str| {
        let run = scc_in(
            &dir,
            &[
                "compile", "--arch", "x86_64", "--format", "raw", "-o", out, policy,
            ],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
    };
    compiled("policy.sc", "own.bpf");
    compiled("other.sc", "other.bpf");

    // The policy's own filter, exported: agrees.
    let run = check(
        &dir,
        &[
            "--bpf",
            "own.bpf",
            "--arch",
            "x86_64",
            "policy.sc",
            "openat",
            "write",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");

    // Another policy's filter: a loud error, exit 1, the inputs that differ.
    let run = check(
        &dir,
        &[
            "--bpf",
            "other.bpf",
            "--arch",
            "x86_64",
            "policy.sc",
            "openat(AT_FDCWD, _, _)",
        ],
    );
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("THE x86_64 FILTER DISAGREES WITH THE POLICY on `openat(AT_FDCWD, _, _)`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "openat(0xffffffffffffff9c, 0, 1, 0): the policy says errno(EACCES) (policy.sc:6: errno(EACCES) openat, open;  where EACCES = 13), the filter returns allow (0x7fff0000)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("does not implement this policy"),
        "{}",
        run.stderr
    );
    let run = check(
        &dir,
        &[
            "--format",
            "json",
            "--bpf",
            "other.bpf",
            "--arch",
            "x86_64",
            "policy.sc",
            "open(0, O_RDWR)",
        ],
    );
    assert_eq!(run.status, 1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v[0]["agree"], false);
    assert_eq!(v[0]["disagreements"][0]["policy"], "errno(EACCES)");
    assert_eq!(v[0]["disagreements"][0]["bpf"], "allow");
}

/// Issue 12, point 3: `const EPERM = 0;` made `errno(EPERM)` mean `errno(0)` (the call
/// "succeeds" without running) while `scc check` showed `errno(EPERM)` beside the
/// result. Now the redefinition is refused, and a rule's names are shown with what they
/// stood for.
#[test]
fn names_are_shown_with_their_values_and_kernel_constants_cannot_be_redefined() {
    let dir = temp_dir("check-values");
    std::fs::write(
        dir.join("eperm.sc"),
        "default allow;\nconst EPERM = 0;\nerrno(EPERM) openat;\n",
    )
    .unwrap();
    let run = check(&dir, &["eperm.sc", "openat"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("error[S0113]: `EPERM` is a kernel constant")
            && run.stderr.contains("eperm.sc:2:7")
            && run.stderr.contains("the kernel's `EPERM` is 1"),
        "{}",
        run.stderr
    );

    std::fs::write(
        dir.join("deny.sc"),
        "default allow;\nconst DENY = 0;\nerrno(DENY) openat(flags & O_ACCMODE == O_RDONLY);\n",
    )
    .unwrap();
    let run = check(
        &dir,
        &[
            "--arch",
            "x86_64",
            "deny.sc",
            "openat(AT_FDCWD, 0, O_RDONLY)",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "x86_64: errno(0)  (deny.sc:3: errno(DENY) openat(flags & O_ACCMODE == O_RDONLY);  where DENY = 0, O_ACCMODE = 3, O_RDONLY = 0)\n"
    );
    let run = check(
        &dir,
        &[
            "--arch",
            "x86_64",
            "--format",
            "json",
            "deny.sc",
            "openat(AT_FDCWD, 0, O_RDONLY)",
        ],
    );
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v[0]["outcomes"][0]["names"][0],
        serde_json::json!({"name": "DENY", "value": 0})
    );
}
