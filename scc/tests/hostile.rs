//! Hostile input (issue 12's reproducers): each one used to crash `scc` (stack overflow),
//! take minutes, block forever or exhaust memory. Now each must end with a diagnostic
//! (code, `file:line:col`) quickly and in bounded memory: `scc` runs in a child process
//! under `RLIMIT_AS` ([`support::MEMORY_LIMIT`], like `ulimit -v`) with a wall-clock
//! watchdog ([`support::TIME_LIMIT`]), so a regression fails the test instead of
//! hanging CI or taking the machine down.

mod support;

use std::path::{Path, PathBuf};

use support::{Bounded, scc_bounded, temp_dir};

/// A directory holding `files` (name, text).
fn setup(name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = temp_dir(&format!("hostile-{name}"));
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write a fixture");
    }
    dir
}

/// Asserts that the run ended by itself, with `status`, and that its output holds
/// every one of `wanted`.
fn ended(run: &Bounded, status: i32, wanted: &[&str]) {
    eprintln!("ended in {:?}", run.elapsed);
    assert!(
        !run.timed_out,
        "killed by the watchdog after {:?}\n{}",
        run.elapsed, run.stderr
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.status,
        Some(status),
        "exit status (None: killed, e.g. out of memory) after {:?}:\n{}",
        run.elapsed,
        &all[..all.len().min(4000)]
    );
    for w in wanted {
        assert!(
            all.contains(w),
            "`{w}` not in the output:\n{}",
            &all[..all.len().min(4000)]
        );
    }
}

/// `scc lint policy.sc` on one policy text.
fn lint(name: &str, text: String) -> Bounded {
    let dir = setup(name, &[("policy.sc", text)]);
    scc_bounded(&dir, &["lint", "policy.sc"])
}

#[test]
fn three_thousand_nested_parentheses() {
    let text = format!(
        "default kill;\nallow write({}fd == 1{});\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    // `write(` is the first level, so the 64th `(` after it is the 65th: column 12 + 64.
    ended(
        &lint("parens", text),
        1,
        &["error[S0005]", "policy.sc:2:76", "more than 64 levels"],
    );
}

#[test]
fn twenty_thousand_negations() {
    let text = format!(
        "default kill;\nallow write({}fd == 1);\n",
        "!".repeat(20_000)
    );
    ended(&lint("bangs", text), 1, &["error[S0005]", "policy.sc:2:76"]);
}

#[test]
fn five_thousand_nested_negative_values() {
    let text = format!(
        "default kill;\nallow write(fd == {}1{});\n",
        "-(".repeat(5000),
        ")".repeat(5000)
    );
    ended(&lint("neg", text), 1, &["error[S0005]", "policy.sc:2:"]);
}

#[test]
fn deeply_nested_block_comments() {
    let text = format!(
        "default kill; {}{}\nallow read;\n",
        "/*".repeat(5000),
        "*/".repeat(5000)
    );
    ended(
        &lint("comments", text),
        1,
        &["error[S0005]", "more than 64 levels of block comments"],
    );
}

#[test]
fn deep_parentheses_in_a_checked_call() {
    let dir = setup(
        "call",
        &[("policy.sc", "default kill; allow write;".into())],
    );
    let call = format!("write({}1{})", "(".repeat(3000), ")".repeat(3000));
    let run = scc_bounded(&dir, &["check", "policy.sc", &call]);
    ended(&run, 2, &["error[S0005]", "<call>:1:71"]);
}

#[test]
fn nesting_at_the_limit_compiles() {
    // 63 parentheses inside `write(`: 64 levels, the most allowed.
    let text = format!(
        "default kill;\nallow exit_group, rt_sigreturn, restart_syscall;\nallow write({}fd == 1{});\n",
        "(".repeat(63),
        ")".repeat(63)
    );
    ended(&lint("at-limit", text), 0, &[]);
}

/// The reproducer: ten groups, each referencing the previous one ten times
/// (530 bytes for 10^9 targets).
fn exponential_groups() -> String {
    let mut text = String::from("default kill;\ngroup @g0 = {read};\n");
    for i in 1..10 {
        let refs = vec![format!("@g{}", i - 1); 10].join(",");
        text.push_str(&format!("group @g{i} = {{{refs}}};\n"));
    }
    text.push_str("allow @g9;\n");
    text
}

#[test]
fn exponential_group_expansion() {
    let text = exponential_groups();
    assert!(text.len() < 600, "{} bytes", text.len());
    ended(
        &lint("groups", text),
        1,
        &[
            "error[S0121]",
            "policy.sc:12:7",
            "`@g9` expands to 1000000000 targets",
        ],
    );
}

#[test]
fn a_long_chain_of_groups_is_expanded_without_recursion() {
    let mut text = String::from(
        "default kill;\nallow exit_group, rt_sigreturn, restart_syscall;\ngroup @g0 = {read};\n",
    );
    for i in 1..20_000 {
        text.push_str(&format!("group @g{i} = {{@g{}}};\n", i - 1));
    }
    text.push_str("allow @g19999;\n");
    ended(&lint("chain", text), 0, &[]);
}

#[test]
fn a_long_chain_of_constants_is_evaluated_without_recursion() {
    // Each constant defined by the previous one: evaluating the last used to recurse
    // forty thousand times and overflow the stack.
    let mut text = String::from(
        "default kill;\nallow exit_group, rt_sigreturn, restart_syscall;\nconst C0 = 1;\n",
    );
    for i in 1..40_000 {
        text.push_str(&format!("const C{i} = C{};\n", i - 1));
    }
    text.push_str("allow write(fd == C39999);\n");
    ended(&lint("const-chain", text.clone()), 0, &[]);
    // A mistake at the bottom of the chain is reported once, where it is.
    let broken = text.replacen("const C0 = 1;", "const C0 = NOPE;", 1);
    ended(
        &lint("const-chain-broken", broken),
        1,
        &["error[S0103]", "policy.sc:3:12", "unknown constant `NOPE`"],
    );
}

#[test]
fn a_megabyte_unknown_name_gets_its_diagnostic_fast() {
    let text = format!("default kill;\nallow {};\n", "x".repeat(1_000_000));
    ended(
        &lint("long-name", text),
        1,
        &["error[S0101]", "policy.sc:2:7", "unknown syscall"],
    );
}

#[test]
fn thirty_thousand_unknown_names_on_one_line_end_fast() {
    // Every diagnostic on one 250 KB line: rendering each used to cost the whole file
    // (quadratic), and each did-you-mean thousands of comparisons.
    let names: Vec<String> = (0..30_000).map(|i| format!("n{i}")).collect();
    let text = format!("default kill;\nallow {};\n", names.join(", "));
    let run = lint("many-names", text);
    ended(&run, 1, &["error[S0101]", "30000 errors"]);
}

#[test]
fn include_of_a_device_or_fifo_is_refused() {
    let dir = setup(
        "devices",
        &[
            ("zero.sc", "default kill;\ninclude \"/dev/zero\";\n".into()),
            ("fifo.sc", "default kill;\ninclude \"pipe\";\n".into()),
        ],
    );
    let fifo = dir.join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    ended(
        &scc_bounded(&dir, &["lint", "zero.sc"]),
        1,
        &["error[S0111]", "zero.sc:2:9", "not a regular file"],
    );
    ended(
        &scc_bounded(&dir, &["lint", "fifo.sc"]),
        1,
        &["error[S0111]", "fifo.sc:2:9", "not a regular file"],
    );
    // The root file read by scc: the same rule, an I/O error (exit 2).
    ended(
        &scc_bounded(&dir, &["lint", "/dev/zero"]),
        2,
        &["not a regular file"],
    );
    ended(
        &scc_bounded(&dir, &["compile", "pipe"]),
        2,
        &["not a regular file"],
    );
    ended(
        &scc_bounded(&dir, &["fmt", "--check", "pipe"]),
        2,
        &["not a regular file"],
    );
    // Raw filters too.
    ended(
        &scc_bounded(&dir, &["disasm", "/dev/zero"]),
        2,
        &["not a regular file"],
    );
    std::fs::write(dir.join("ok.sc"), "default allow;").unwrap();
    ended(
        &scc_bounded(&dir, &["check", "--bpf", "pipe", "ok.sc", "read"]),
        2,
        &["not a regular file"],
    );
    assert!(seccomp_dsl::compile_file(Path::new("/dev/zero")).is_err());
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let big = format!("default kill;\n//{}\n", "x".repeat(1 << 20));
    let dir = setup(
        "big",
        &[("big.sc", big), ("root.sc", "include \"big.sc\";\n".into())],
    );
    ended(
        &scc_bounded(&dir, &["lint", "big.sc"]),
        2,
        &["larger than 1024 KiB"],
    );
    ended(
        &scc_bounded(&dir, &["lint", "root.sc"]),
        1,
        &["error[S0111]", "root.sc:1:9", "larger than 1024 KiB"],
    );
}

#[test]
fn deep_and_many_includes_are_bounded() {
    // A chain of 100 files each including the next.
    let mut files: Vec<(String, String)> = (0..100)
        .map(|i| (format!("f{i}.sc"), format!("include \"f{}.sc\";\n", i + 1)))
        .collect();
    files.push(("f100.sc".into(), "default kill;\n".into()));
    // One small file included 60,000 times (read once per include to learn its
    // identity: bounded by the bytes read).
    let small = format!("// {}\nallow read;\n", "x".repeat(60));
    files.push(("s.sc".into(), small));
    files.push((
        "many.sc".into(),
        format!("default kill;\n{}", "include \"s.sc\";\n".repeat(60_000)),
    ));
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let dir = setup("includes", &files);
    ended(
        &scc_bounded(&dir, &["lint", "f0.sc"]),
        1,
        &["error[S0005]", "more than 64 levels of `include`"],
    );
    ended(
        &scc_bounded(&dir, &["lint", "many.sc"]),
        1,
        &["error[S0111]", "more than 4 MiB together"],
    );
}

#[test]
fn the_proc_macro_reader_is_the_bounded_one() {
    // seccomp-macros reads `#[sandboxed("...")]` files and includes through the same
    // function: it refuses what `scc` refuses.
    let e = seccomp_dsl::source::read_policy_file(Path::new("/dev/zero")).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let dir = temp_dir("hostile-reader");
    assert!(seccomp_dsl::source::read_policy_file(&dir).is_err());
}
