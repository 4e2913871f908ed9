//! `scc diff` and `diff --subset-of` (issue 12, points 2 and 10): the comparison is exact
//! for every policy, and covers every syscall number a filter can see, named in the
//! tables or not. The compiled filters are the ground truth: the BPF interpreter runs
//! both on numbers inside, between and past the tables (0x3fffffff, the x32 bit,
//! `u32::MAX`) and on each change's own arguments, and must differ exactly where the
//! diff says; on the real kernel, a number newer than the tables really is let through
//! by a candidate the old diff called identical.

mod support;

use proptest::prelude::*;
use seccomp_dsl::bpf::interp;
use seccomp_dsl::diff::{Change, Syscalls, diff, not_subset};
use seccomp_dsl::{Action, Arch, ArchPolicy, Program, SeccompData, compile_str};
use support::{scc_bounded, temp_dir};

/// The reproducer: a two-rule `futex` policy, `!=` on four 64-bit arguments
/// (64^4 boxes for the old region expansion).
const FUTEX: &str = "\
default kill;
allow futex(uaddr != 0 && op != 1 && val != 2 && utime != 3);
allow futex(uaddr2 != 0 && val3 != 1);
";

fn compiled(src: &str, arch: Arch) -> (ArchPolicy, Program) {
    let out = compile_str("t.sc", src);
    assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
    let p = out.policy.as_ref().unwrap().arch(arch).unwrap().clone();
    (p, out.program(arch).unwrap().clone())
}

fn run(prog: &Program, nr: u32, args: [u64; 6]) -> Action {
    let data = SeccompData::new(prog.arch.audit_arch(), nr, args);
    Action::from_ret(interp::run(&prog.insns, &data.to_bytes()).unwrap().ret)
}

/// Numbers inside, between and past the tables, and where the x32 bit starts.
fn interesting_numbers(arch: Arch) -> Vec<u32> {
    let max = arch.max_nr();
    let mut v = vec![
        0,
        1,
        max,
        max + 1,
        max + 2,
        max + 100,
        0x3fff_ffff,
        0x4000_0000,
        0x4000_0001,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_fffe,
        u32::MAX,
    ];
    v.extend(arch.syscalls().iter().flat_map(|s| [s.nr, s.nr + 1]));
    v.sort_unstable();
    v.dedup();
    v
}

/// Checks `changes` against the compiled filters: on every interesting number with the
/// given argument vectors (and each change's own sample), the filters differ exactly
/// where a change says so, with the actions it says.
fn agree_with_the_filters(
    arch: Arch,
    (_, pa): &(ArchPolicy, Program),
    (_, pb): &(ArchPolicy, Program),
    changes: &[Change],
    args: &[[u64; 6]],
) {
    let mut probes: Vec<(u32, [u64; 6])> = Vec::new();
    for &nr in &interesting_numbers(arch) {
        probes.extend(args.iter().map(|&x| (nr, x)));
    }
    for c in changes {
        let sample = c.args.sample().expect("a change is never empty");
        let (first, last) = (c.syscalls.first(), c.syscalls.last());
        probes.extend([first, last, first + (last - first) / 2].map(|nr| (nr, sample)));
    }
    for (nr, x) in probes {
        let (ra, rb) = (run(pa, nr, x), run(pb, nr, x));
        let found: Vec<&Change> = changes.iter().filter(|c| c.contains(nr, &x)).collect();
        match found.as_slice() {
            [] => assert_eq!(
                ra, rb,
                "{arch} nr {nr:#x} args {x:x?}: the diff saw no change"
            ),
            [c] => assert_eq!(
                (c.from, c.to),
                (ra, rb),
                "{arch} nr {nr:#x} args {x:x?}: {:?}",
                c.lines()
            ),
            many => panic!("{arch} nr {nr:#x}: {} changes overlap", many.len()),
        }
    }
}

#[test]
fn a_two_rule_futex_policy_is_identical_to_itself() {
    for arch in Arch::ALL {
        let (a, _) = compiled(FUTEX, arch);
        assert!(diff(&a, &a).unwrap().is_empty());
    }
    // And through the CLI, under the hostile-input bounds (it was exit 2 before).
    let dir = temp_dir("diff-futex");
    std::fs::write(dir.join("futex.sc"), FUTEX).unwrap();
    let run = scc_bounded(&dir, &["diff", "futex.sc", "futex.sc"]);
    assert_eq!(run.status, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn a_futex_change_is_found_exactly() {
    let b_src = FUTEX.replace("val3 != 1", "val3 != 1 && uaddr2 < 0x1000");
    for arch in Arch::ALL {
        let a = compiled(FUTEX, arch);
        let b = compiled(&b_src, arch);
        let changes = diff(&a.0, &b.0).unwrap();
        assert!(!changes.is_empty());
        assert!(
            changes
                .iter()
                .all(|c| c.from == Action::Allow && c.to == Action::KillProcess)
        );
        let args = [
            [0; 6],
            [1, 0, 0, 0, 0x1000, 0],
            [1, 1, 2, 3, 0x1000, 0],
            [0, 1, 2, 3, 0x1000, 0],
            [0, 1, 2, 3, 0xfff, 0],
            [0, 1, 2, 3, 0x1000, 1],
        ];
        agree_with_the_filters(arch, &a, &b, &changes, &args);
        assert!(
            not_subset(&a.0, &b.0).unwrap().is_empty(),
            "b only takes away"
        );
    }
}

/// Conditions that pair single bits of two arguments (`op & 1 != 0 && val & 1 != 0 ||
/// op & 2 != 0 && val & 2 != 0 || ...`): the compiler takes them in its stride, and a
/// diagram reading all of `op` before `val` would need 2^24 nodes. The variables follow
/// the order the conditions test them, so the comparison stays small and exact.
#[test]
fn conditions_pairing_bits_of_two_arguments_compare_exactly() {
    let terms: Vec<String> = (0..24)
        .map(|i| format!("(op & {} != 0 && val & {} != 0)", 1u64 << i, 1u64 << i))
        .collect();
    let a_src = format!("default kill; allow futex({});", terms.join(" || "));
    let b_src = a_src.replace(
        "(op & 8388608 != 0 && val & 8388608 != 0)",
        "(op & 8388608 != 0 && val & 8388608 != 0 && uaddr == 7)",
    );
    assert_ne!(a_src, b_src);
    for arch in Arch::ALL {
        let a = compiled(&a_src, arch);
        let b = compiled(&b_src, arch);
        assert!(diff(&a.0, &a.0).unwrap().is_empty());
        let changes = diff(&a.0, &b.0).unwrap();
        assert_eq!(changes.len(), 1, "{arch}");
        let bit = 1u64 << 23;
        let args = [
            [0, bit, bit, 0, 0, 0],
            [7, bit, bit, 0, 0, 0],
            [0, bit | 1, bit | 1, 0, 0, 0],
            [0, bit | 1, bit, 0, 0, 0],
            [u64::MAX; 6],
        ];
        agree_with_the_filters(arch, &a, &b, &changes, &args);
        assert!(changes[0].contains(changes[0].syscalls.first(), &[0, bit, bit, 0, 0, 0]));
        assert!(!changes[0].contains(changes[0].syscalls.first(), &[7, bit, bit, 0, 0, 0]));
        assert!(!changes[0].lines().is_empty());
    }
}

/// A candidate that kills every syscall the tables name (but `exit_group`, which the
/// baseline allows too) and allows everything else: the old gate said it let through
/// nothing the allowlist does not.
fn kills_every_named_syscall(arch: Arch) -> String {
    let names: Vec<&str> = arch
        .syscalls()
        .iter()
        .map(|s| s.name)
        .filter(|&n| n != "exit_group")
        .collect();
    format!("arch {arch};\ndefault allow;\nkill {};\n", names.join(", "))
}

const BASELINE: &str =
    "default kill;\nallow read, write, exit_group, rt_sigreturn, restart_syscall;\n";

#[test]
fn subset_of_sees_numbers_the_tables_do_not_name() {
    for arch in Arch::ALL {
        let base_src = format!("arch {arch};\n{BASELINE}");
        let cand_src = kills_every_named_syscall(arch);
        let base = compiled(&base_src, arch);
        let cand = compiled(&cand_src, arch);
        let changes = not_subset(&base.0, &cand.0).unwrap();
        // Only unnamed numbers get through: from just past the tables to the x32 bit
        // (x86_64) or to u32::MAX (aarch64), and the gaps of the numbering.
        assert!(!changes.is_empty(), "{arch}");
        assert!(
            changes
                .iter()
                .all(|c| matches!(c.syscalls, Syscalls::Unnamed { .. })
                    && c.from == Action::KillProcess
                    && c.to == Action::Allow),
            "{arch}"
        );
        let last = changes.last().unwrap().syscalls;
        let end = match arch {
            Arch::X86_64 => 0x3fff_ffff,
            _ => u32::MAX,
        };
        assert_eq!(
            (last.first(), last.last()),
            (arch.max_nr() + 1, end),
            "{arch}"
        );
        // The read/write rules are the only named differences in the other direction.
        let all = diff(&base.0, &cand.0).unwrap();
        agree_with_the_filters(arch, &base, &cand, &all, &[[0; 6], [u64::MAX; 6]]);
        let dir = temp_dir(&format!("diff-subset-{arch}"));
        std::fs::write(dir.join("base.sc"), &base_src).unwrap();
        std::fs::write(dir.join("cand.sc"), &cand_src).unwrap();
        let run = scc_bounded(&dir, &["diff", "--subset-of", "base.sc", "cand.sc"]);
        assert_eq!(run.status, Some(1), "{}{}", run.stdout, run.stderr);
        let past = format!(
            "+ allow syscalls {}..={end:#x} (numbers the tables do not name)",
            arch.max_nr() + 1
        );
        assert!(run.stdout.contains(&past), "{}", run.stdout);
        assert!(
            run.stderr
                .contains("let through calls the baseline does not"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn unnamed_numbers_follow_the_defaults_and_the_x32_guard() {
    let a = "default errno(ENOSYS); allow read;";
    let b = "default allow; allow read;";
    for arch in Arch::ALL {
        let (pa, pb) = (compiled(a, arch), compiled(b, arch));
        let changes = diff(&pa.0, &pb.0).unwrap();
        agree_with_the_filters(arch, &pa, &pb, &changes, &[[0; 6]]);
        // Numbers from the x32 bit up are killed by both on x86_64, never reported.
        let top = changes.iter().map(|c| c.syscalls.last()).max().unwrap();
        assert_eq!(
            top,
            if arch == Arch::X86_64 {
                0x3fff_ffff
            } else {
                u32::MAX
            },
            "{arch}"
        );
    }
}

/// A random policy: a default and rules on a few syscalls with conditions on a few
/// arguments (64-bit `uaddr` and friends, and 32-bit ones), `!=`, ranges, masks, sets.
fn policy() -> impl Strategy<Value = String> {
    let action = prop_oneof![
        Just("allow"),
        Just("kill"),
        Just("errno(EPERM)"),
        Just("errno(ENOSYS)"),
        Just("log"),
    ];
    let value = prop_oneof![
        Just(0u64),
        Just(1),
        Just(2),
        Just(40),
        Just(0x1000),
        Just(0xffff_ffff)
    ];
    let cmp = (0usize..6, 0usize..7, value.clone(), value).prop_map(|(arg, op, v, w)| {
        let args = ["uaddr", "op", "val", "utime", "uaddr2", "val3"];
        let a = args[arg];
        match op {
            0 => format!("{a} == {v}"),
            1 => format!("{a} != {v}"),
            2 => format!("{a} < {v}"),
            3 => format!("{a} >= {v}"),
            4 => format!("{a} & 0xff0 == {}", v & 0xff0),
            5 => format!("{a} in {{{v}, {w}}}"),
            _ => format!("{a} & 0x80 != 0"),
        }
    });
    let cond = prop::collection::vec((cmp, any::<bool>()), 1..4).prop_map(|parts| {
        let mut s = String::new();
        for (i, (c, or)) in parts.iter().enumerate() {
            if i > 0 {
                s.push_str(if *or { " || " } else { " && " });
            }
            s.push_str(c);
        }
        s
    });
    let syscall = prop_oneof![Just("futex"), Just("read"), Just("openat"), Just("socket")];
    let rule = (action.clone(), syscall, prop::option::of(cond)).prop_map(|(a, s, c)| {
        // Each syscall's own argument names: futex's for futex, positional otherwise.
        let c = c.map(|c| {
            if s == "futex" {
                c
            } else {
                ["uaddr2", "uaddr", "utime", "val3", "val", "op"]
                    .iter()
                    .zip(["arg4", "arg0", "arg3", "arg5", "arg2", "arg1"])
                    .fold(c, |c, (from, to)| c.replace(from, to))
            }
        });
        match c {
            Some(c) => format!("{a} {s}({c});"),
            None => format!("{a} {s};"),
        }
    });
    (action, prop::collection::vec(rule, 0..5))
        .prop_map(|(d, rules)| format!("default {d};\n{}\n", rules.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// On random pairs of policies, the diff is exactly where the compiled filters
    /// differ, on every interesting number and argument vector.
    #[test]
    fn the_diff_is_where_the_filters_differ(a in policy(), b in policy()) {
        // socket's and openat's 32-bit arguments reject the 64-bit values: skip those.
        let (oa, ob) = (compile_str("a.sc", &a), compile_str("b.sc", &b));
        prop_assume!(!oa.has_errors() && !ob.has_errors());
        for arch in Arch::ALL {
            let pa = compiled(&a, arch);
            let pb = compiled(&b, arch);
            let changes = diff(&pa.0, &pb.0).unwrap();
            let args = [
                [0; 6],
                [1, 1, 2, 3, 1, 1],
                [0x1000, 0, 40, 0x80, 0xffff_ffff, 2],
                [u64::MAX; 6],
                [0xdead_0000_0000_0028, 0x1_0000_0001, 0, 0, 0x8000_0000_0000_0000, 40],
            ];
            agree_with_the_filters(arch, &pa, &pb, &changes, &args);
            // Each change's lines show it; equal policies have none.
            for c in &changes {
                prop_assert!(!c.lines().is_empty());
            }
            prop_assert!(diff(&pa.0, &pa.0).unwrap().is_empty());
        }
    }
}

/// On the real kernel: a number past the tables (464, `getxattrat` since Linux 6.13) is
/// let through by the candidate that kills every named syscall, and killed by the
/// baseline, exactly as the diff reports.
#[test]
fn a_number_past_the_tables_really_reaches_the_kernel() {
    let Some(arch) = Arch::native() else {
        eprintln!("skipped: not a supported architecture");
        return;
    };
    let nr = arch.max_nr() + 2;
    let base = compiled(&format!("arch {arch};\n{BASELINE}"), arch);
    let cand = compiled(&kills_every_named_syscall(arch), arch);
    let reported = not_subset(&base.0, &cand.0)
        .unwrap()
        .iter()
        .any(|c| c.contains(nr, &[0; 6]));
    assert!(reported, "the diff must report {nr}");

    // Without a filter: is it a syscall of this kernel?
    let probe = raw(nr, [u64::MAX; 6]);
    if probe == -i64::from(libc::ENOSYS) {
        eprintln!(
            "note: {nr} is not a syscall of this kernel (older than the tables + 2); the filters still decide it"
        );
    } else {
        eprintln!("{nr} is a syscall of this kernel: it returned {probe} on bad arguments");
    }
    let to_kernel = |p: &Program| -> Vec<libc::sock_filter> {
        p.insns
            .iter()
            .map(|i| libc::sock_filter {
                code: i.code,
                jt: i.jt,
                jf: i.jf,
                k: i.k,
            })
            .collect()
    };
    let expect_return = |r: i64| if r < 0 { (-r) as i32 } else { 0 };
    // Under the candidate: the call reaches the kernel and returns what it did unfiltered.
    assert_eq!(
        in_child(&to_kernel(&cand.1), nr),
        Exit::Code(expect_return(probe))
    );
    // Under the baseline: SIGSYS.
    assert_eq!(
        in_child(&to_kernel(&base.1), nr),
        Exit::Signal(libc::SIGSYS)
    );
}

#[derive(Debug, PartialEq, Eq)]
enum Exit {
    Code(i32),
    Signal(i32),
}

/// A raw syscall with bad arguments (all bits set: invalid descriptors and pointers):
/// the return value, or `-errno`.
fn raw(nr: u32, a: [u64; 6]) -> i64 {
    // SAFETY: every pointer argument is `u64::MAX`, never mapped: the kernel fails the
    // call with EFAULT or EBADF before touching memory.
    let r = unsafe { libc::syscall(libc::c_long::from(nr), a[0], a[1], a[2], a[3], a[4], a[5]) };
    if r == -1 {
        -i64::from(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        r
    }
}

/// Forks; the child installs `filter` (NO_NEW_PRIVS, raw seccomp) and calls `nr` with
/// bad arguments, exiting with the errno (0 on success); allocates nothing after fork.
fn in_child(filter: &[libc::sock_filter], nr: u32) -> Exit {
    let prog = libc::sock_fprog {
        len: filter.len() as libc::c_ushort,
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: the child makes raw syscalls only and leaves with _exit; `prog` points to
    // instructions that outlive the fork.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        // SAFETY: raw syscalls with integer arguments and a pointer to `prog`.
        unsafe {
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::syscall(libc::SYS_seccomp, 1, 0, &prog as *const libc::sock_fprog) != 0
            {
                libc::_exit(200);
            }
            let r = libc::syscall(
                libc::c_long::from(nr),
                -1i64,
                -1i64,
                -1i64,
                -1i64,
                -1i64,
                -1i64,
            );
            let code = if r == -1 {
                *libc::__errno_location()
            } else {
                0
            };
            libc::_exit(code);
        }
    }
    let start = std::time::Instant::now();
    let mut status = 0;
    loop {
        // SAFETY: our child; `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(r >= 0, "waitpid");
        if r == pid {
            break;
        }
        if start.elapsed() > std::time::Duration::from_secs(10) {
            // SAFETY: killing our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("child timed out");
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    }
}
