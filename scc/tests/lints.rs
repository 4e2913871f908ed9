//! Every lint on a policy that should trigger it (code, position, message) and on one
//! that should not; and `scc lint`'s exit statuses, JSON and silencing.

use std::process::Command;

use seccomp_dsl::{Action, Code, compile_str};

/// The (code, line, column) of every finding of `scc lint` on `src`.
fn findings(src: &str) -> Vec<(Code, usize, usize, String)> {
    let out = compile_str("lint.sc", src);
    assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
    seccomp_dsl::lint::lint(out.policy.as_ref().unwrap())
        .iter()
        .map(|d| {
            let span = d.span().expect("lints point somewhere");
            let (line, col) = out.sources.file(span.file).line_col(span.start as usize);
            (d.code, line, col, d.message.clone())
        })
        .collect()
}

fn expect(src: &str, code: Code, line: usize, col: usize, message: &str) {
    let all = findings(src);
    assert!(
        all.iter()
            .any(|(c, l, k, m)| *c == code && *l == line && *k == col && m.contains(message)),
        "expected {code:?} at {line}:{col} with {message:?}, got {all:#?}"
    );
}

fn expect_none(src: &str, code: Code) {
    let all = findings(src);
    assert!(
        !all.iter().any(|f| f.0 == code),
        "unexpected {code:?}: {all:#?}"
    );
}

const ESSENTIALS: &str = "allow exit_group, rt_sigreturn, restart_syscall;";

#[test]
fn denylist_sibling() {
    expect(
        "default allow;\nerrno(EPERM) mkdir;",
        Code::DenylistSibling,
        2,
        14,
        "`mkdir` is blocked but `mkdirat` is not",
    );
    expect_none(
        "default allow;\nerrno(EPERM) mkdir, mkdirat;",
        Code::DenylistSibling,
    );
    expect_none("default kill; allow mkdir;", Code::DenylistSibling);
}

#[test]
fn clone3_unfiltered() {
    let src = "default kill;\nallow clone(arg0 & CLONE_NEWUSER == 0), clone3;";
    expect(src, Code::Clone3Unfiltered, 2, 7, "`clone3` is allowed");
    expect_none(
        "default kill;\nerrno(ENOSYS) clone3;\nallow clone(arg0 & CLONE_NEWUSER == 0);",
        Code::Clone3Unfiltered,
    );
}

#[test]
fn pointer_compared() {
    expect(
        "default allow;\nerrno(EPERM) openat(filename == 0x1234);",
        Code::PointerCompared,
        2,
        21,
        "`filename` is a pointer",
    );
    expect_none(
        "default allow;\nerrno(EFAULT) openat(filename == 0);",
        Code::PointerCompared,
    );
}

#[test]
fn flag_equality_only_the_way_round_that_one_more_bit_gets_past() {
    let deny = "default allow;\nerrno(EPERM) mmap(prot == PROT_READ | PROT_WRITE | PROT_EXEC);";
    expect(deny, Code::FlagEquality, 2, 19, "`prot` is a set of flags");
    let all = findings(deny);
    assert_eq!(
        all.iter().filter(|f| f.0 == Code::FlagEquality).count(),
        1,
        "{all:#?}"
    );
    // `in`, `!(… != …)`, `not in`'s opposite in an allow rule, clone's and socket's flags.
    for (src, col) in [
        ("default allow;\nerrno(EPERM) mprotect(prot in {7, 6});", 23),
        ("default allow;\nerrno(EPERM) mmap(!(prot != 7));", 21),
        ("default kill;\nallow mmap(prot != 7);", 12),
        ("default kill;\nallow mmap(prot not in {7, 6});", 12),
        (
            "default allow;\nerrno(EPERM) clone(clone_flags == 0x11);",
            20,
        ),
        ("default allow;\nerrno(EPERM) socket(type == SOCK_RAW);", 21),
        (
            "default allow;\nkill openat(flags == O_WRONLY | O_CREAT);",
            13,
        ),
    ] {
        expect(src, Code::FlagEquality, 2, col, "is a set of flags");
    }
    // The safe way round, a mask, or an argument that is not a set of flags.
    for src in [
        "default kill;\nallow mmap(prot == PROT_READ);",
        "default allow;\nerrno(EPERM) mmap(prot != PROT_READ);",
        "default allow;\nerrno(EPERM) mmap(prot & PROT_EXEC != 0);",
        "default allow;\nerrno(EPERM) mmap(prot & 7 == 7);",
        "default allow;\nerrno(EPERM) mmap(fd == 3);",
        "default allow;\nerrno(EPERM) socket(domain == AF_PACKET);",
    ] {
        expect_none(src, Code::FlagEquality);
    }
}

#[test]
fn flag_equality_suggests_the_mask_of_the_same_bits() {
    let out = compile_str(
        "lint.sc",
        "default allow;\nerrno(EPERM) mmap(prot == PROT_WRITE | PROT_EXEC);",
    );
    let lints = seccomp_dsl::lint::lint(out.policy.as_ref().unwrap());
    let d = lints.iter().find(|d| d.code == Code::FlagEquality).unwrap();
    let text = format!("{d:?}");
    assert!(text.contains("`prot & 0x6 == 0x6`"), "{text}");
    assert!(
        text.contains("mm/mmap.c:"),
        "the note cites the kernel: {text}"
    );
}

#[test]
fn dangerous_syscall() {
    let src = format!("default kill;\n{ESSENTIALS}\nallow read, bpf;");
    expect(&src, Code::DangerousSyscall, 3, 13, "allows `bpf`");
    expect_none("default allow;\nerrno(EPERM) bpf;", Code::DangerousSyscall);
}

#[test]
fn default_eperm_and_kill_thread() {
    expect(
        "default errno(EPERM);\nallow read;",
        Code::DefaultEperm,
        1,
        1,
        "EPERM",
    );
    expect_none("default errno(ENOSYS);\nallow read;", Code::DefaultEperm);
    expect(
        "default kill_thread;\nallow read;",
        Code::DefaultKillThread,
        1,
        1,
        "calling thread",
    );
}

#[test]
fn missing_essentials() {
    expect(
        "default kill;\nallow read, exit_group;",
        Code::MissingEssential,
        1,
        1,
        "`rt_sigreturn` and `restart_syscall`",
    );
    expect_none(
        &format!("default kill;\n{ESSENTIALS}"),
        Code::MissingEssential,
    );
    expect_none("default kill;\nallow @default;", Code::MissingEssential);
}

#[test]
fn shadowed_and_duplicate() {
    let src = "default allow;\nerrno(EPERM) openat;\nerrno(EACCES) openat(flags == 0);";
    expect(src, Code::ShadowedRule, 3, 15, "never reached");
    let src = "default allow;\nerrno(EPERM) openat(dfd == 3);\nerrno(EACCES) openat(dfd == 3);";
    expect(src, Code::ShadowedRule, 3, 15, "never reached");
    expect(
        "default kill;\nallow read, read;",
        Code::DuplicateTarget,
        2,
        13,
        "twice",
    );
    // Specific first, general after: fine. Same action through a group: harmless.
    expect_none(
        "default allow;\nerrno(EACCES) openat(flags == 0);\nerrno(EPERM) openat;",
        Code::ShadowedRule,
    );
    expect_none(
        "default kill;\nallow @default, exit_group;",
        Code::ShadowedRule,
    );
}

#[test]
fn constant_conditions() {
    expect(
        "default allow;\nerrno(EPERM) write(fd == 1 && fd == 2);",
        Code::ConstantCondition,
        2,
        20,
        "always false",
    );
    expect(
        "default allow;\nerrno(EPERM) write(count >= 0);",
        Code::ConstantCondition,
        2,
        20,
        "always true",
    );
    expect_none(
        "default allow;\nerrno(EPERM) write(fd == 1 || fd == 2);",
        Code::ConstantCondition,
    );
}

#[test]
fn seccomp_note() {
    expect(
        "default allow;\nallow seccomp;",
        Code::SeccompAllowed,
        2,
        7,
        "more seccomp filters",
    );
}

#[test]
fn sign_tests_get_a_specific_help() {
    let out = compile_str("lint.sc", "default allow;\nerrno(EPERM) lseek(fd >= 0);");
    let d = seccomp_dsl::lint::lint(out.policy.as_ref().unwrap());
    let d = d
        .iter()
        .find(|d| d.code == Code::ConstantCondition)
        .unwrap();
    assert_eq!(
        d.help,
        [
            "comparisons are unsigned, so `fd >= 0` is always true; to match a non-negative 32-bit `fd`, write `fd < 0x8000_0000`"
        ]
    );
}

#[test]
fn actions_are_spelled_as_in_a_policy() {
    assert_eq!(Action::Errno(13).to_source(), "errno(EACCES)");
    assert_eq!(Action::Errno(11).to_source(), "errno(EAGAIN)");
    assert_eq!(Action::Errno(1).to_source(), "errno(EPERM)");
    assert_eq!(Action::Errno(4000).to_source(), "errno(4000)");
    assert_eq!(Action::KillProcess.to_source(), "kill");
    assert_eq!(Action::Trace(7).to_source(), "trace(7)");
}

#[test]
fn a_set_compared_with_not_equal_suggests_not_in() {
    let out = compile_str(
        "s.sc",
        "const STDIO = {0, 1, 2};\ndefault allow;\nerrno(EPERM) write(fd != STDIO);",
    );
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == Code::SetExpected)
        .unwrap();
    assert_eq!(d.help, ["to test membership, write `fd not in STDIO`"]);
}

#[test]
fn every_lint_code_has_an_explanation() {
    for c in Code::ALL {
        assert!(c.explanation().len() > 60, "{c:?}");
        assert_eq!(Code::from_id(c.id()), Some(*c));
    }
}

// ---------------------------------------------------------------- the command

fn scc(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn policy_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("scc-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn scc_lint_exit_statuses_json_and_silencing() {
    let clean = policy_file(
        "clean.sc",
        &format!("default kill;\n{ESSENTIALS}\nallow read;\n"),
    );
    let warn = policy_file("warn.sc", "default allow;\nerrno(EPERM) mkdir;\n");
    let silenced = policy_file(
        "silenced.sc",
        "default allow;\n// scc: allow(S0201)\nerrno(EPERM) mkdir;\n",
    );
    let broken = policy_file("broken.sc", "default kill;\nallow opnat;\n");

    assert_eq!(scc(&["lint", &clean]).0, 0);

    let (code, stdout, _) = scc(&["lint", &warn]);
    assert_eq!(code, 0, "warnings alone do not fail");
    assert!(stdout.contains("warning[S0201]"), "{stdout}");
    assert!(stdout.contains("warn.sc:2:14"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "NO_COLOR: no escape codes\n{stdout}"
    );
    assert_eq!(scc(&["lint", "--deny", "warnings", &warn]).0, 1);
    assert_eq!(
        scc(&["lint", "--deny", "warnings", "--allow", "S0201", &warn]).0,
        0
    );
    assert_eq!(scc(&["lint", "--deny", "warnings", &silenced]).0, 0);

    let (code, stdout, _) = scc(&["lint", &broken]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("error[S0101]") && stdout.contains("openat"),
        "{stdout}"
    );

    let (code, stdout, _) = scc(&["lint", "--format", "json", &warn]);
    assert_eq!(code, 0);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "S0201");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["location"]["line"], 2);
    assert_eq!(first["location"]["column"], 14);

    assert_eq!(scc(&["lint", "/nonexistent/policy.sc"]).0, 2);
    assert_eq!(scc(&["lint", "--allow", "S9999", &clean]).0, 2);
}

#[test]
fn missing_on_arch() {
    let src = "arch x86_64, aarch64;\ndefault kill;\nallow openat, open;";
    expect(
        src,
        Code::MissingOnArch,
        3,
        15,
        "`open` does not exist on aarch64",
    );
    expect_none(
        "arch x86_64;\ndefault kill;\nallow openat, open;",
        Code::MissingOnArch,
    );
    expect_none(
        "default kill;\nallow openat, @file_system;",
        Code::MissingOnArch,
    );
}
