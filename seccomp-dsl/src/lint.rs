//! Lints on a checked policy: the mistakes that let attackers out (security, `S02xx`),
//! rules that do not do what they say (logic, `S03xx`), and remarks (`S04xx`).
//!
//! Each lint looks at one architecture's rules; findings are merged across
//! architectures like the checker's, with an "on ARCH" note when only some have them.

use crate::check::merge_arch_diags;
use crate::codegen::constant_action;
use crate::diag::{Code, Diagnostic};
use crate::policy::{Action, ArchPolicy, Expr, Policy, Rule, Test, TestOp};
use crate::source::SourceMap;

/// Syscalls that do the same thing: blocking one in a denylist and not the others is a
/// hole.
const FAMILIES: &[&[&str]] = &[
    &["open", "openat", "openat2", "creat", "open_by_handle_at"],
    &["mkdir", "mkdirat"],
    &["mknod", "mknodat"],
    &["rename", "renameat", "renameat2"],
    &["link", "linkat", "symlink", "symlinkat"],
    &["unlink", "unlinkat", "rmdir"],
    &["chmod", "fchmod", "fchmodat", "fchmodat2"],
    &["chown", "fchown", "lchown", "fchownat"],
    &["truncate", "ftruncate"],
    &["utime", "utimes", "utimensat", "futimesat"],
    &["execve", "execveat"],
    &["clone", "clone3", "fork", "vfork"],
    &["dup", "dup2", "dup3"],
    &[
        "kill",
        "tkill",
        "tgkill",
        "pidfd_send_signal",
        "rt_sigqueueinfo",
        "rt_tgsigqueueinfo",
    ],
    &["read", "readv", "pread64", "preadv", "preadv2"],
    &["write", "writev", "pwrite64", "pwritev", "pwritev2"],
    &["sendto", "sendmsg", "sendmmsg"],
    &["recvfrom", "recvmsg", "recvmmsg"],
    &["accept", "accept4"],
    &["ptrace", "process_vm_readv", "process_vm_writev"],
    &[
        "mount",
        "fsopen",
        "fsconfig",
        "fsmount",
        "move_mount",
        "open_tree",
        "mount_setattr",
    ],
    &["setuid", "setreuid", "setresuid", "setfsuid"],
    &["setgid", "setregid", "setresgid", "setfsgid"],
];

/// Syscalls an allowlist should not allow without thinking, and why.
const DANGEROUS: &[(&str, &str)] = &[
    (
        "ptrace",
        "it reads and writes other processes' memory and registers",
    ),
    ("process_vm_readv", "it reads other processes' memory"),
    ("process_vm_writev", "it writes other processes' memory"),
    ("kexec_load", "it replaces the running kernel"),
    ("kexec_file_load", "it replaces the running kernel"),
    ("init_module", "it loads code into the kernel"),
    ("finit_module", "it loads code into the kernel"),
    ("delete_module", "it unloads kernel modules"),
    (
        "bpf",
        "it loads programs into the kernel, a large attack surface",
    ),
    (
        "perf_event_open",
        "it is a large kernel attack surface and can leak kernel addresses",
    ),
    (
        "userfaultfd",
        "it lets exploits stretch kernel race windows",
    ),
    ("mount", "it changes the file system view"),
    ("umount2", "it changes the file system view"),
    ("pivot_root", "it changes the file system root"),
    ("fsmount", "it changes the file system view"),
    ("move_mount", "it changes the file system view"),
    (
        "unshare",
        "new namespaces expose kernel code unprivileged users otherwise cannot reach",
    ),
    ("setns", "it enters other namespaces"),
    (
        "keyctl",
        "the kernel keyring is not namespaced and has a history of bugs",
    ),
    (
        "add_key",
        "the kernel keyring is not namespaced and has a history of bugs",
    ),
    (
        "request_key",
        "the kernel keyring is not namespaced and has a history of bugs",
    ),
    (
        "open_by_handle_at",
        "it opens files by handle, past path-based checks (a known container escape)",
    ),
    ("iopl", "it gives direct access to I/O ports"),
    ("ioperm", "it gives direct access to I/O ports"),
    ("reboot", "it restarts or halts the machine"),
    ("swapon", "it changes the system's swap"),
    ("swapoff", "it changes the system's swap"),
    ("acct", "it turns process accounting on or off"),
];

/// What every process needs to exit and to return from signal handlers.
const ESSENTIAL: &[&str] = &["exit_group", "rt_sigreturn", "restart_syscall"];

/// Runs every lint on every architecture of the policy.
pub fn lint(policy: &Policy) -> Vec<Diagnostic> {
    let arches: Vec<_> = policy.arches.iter().map(|p| p.arch).collect();
    let per_arch = policy
        .arches
        .iter()
        .map(|p| (p.arch, lint_arch(p)))
        .collect();
    let mut diags = merge_arch_diags(&arches, per_arch);
    diags.sort_by_key(|d| d.span().map(|s| (s.file, s.start)));
    diags
}

fn lint_arch(p: &ArchPolicy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    default_action(p, &mut out);
    essentials(p, &mut out);
    denylist_siblings(p, &mut out);
    clone3(p, &mut out);
    dangerous(p, &mut out);
    seccomp_note(p, &mut out);
    absent(p, &mut out);
    pointers(p, &mut out);
    flag_equality(p, &mut out);
    shadowed(p, &mut out);
    constant_conditions(p, &mut out);
    out
}

/// The action a syscall gets whatever its arguments, if it does not depend on them.
fn outcome(p: &ArchPolicy, nr: u32) -> Option<Action> {
    match p.rules_for(nr).next() {
        None => Some(p.default),
        Some((_, r)) if r.cond.is_none() => Some(r.action),
        Some(_) => None,
    }
}

/// Whether some arguments of a call of `nr` are let through.
fn may_permit(p: &ArchPolicy, nr: u32) -> bool {
    p.rules_for(nr).any(|(_, r)| r.action.permits()) || outcome(p, nr).is_none_or(Action::permits)
}

fn is_allowlist(p: &ArchPolicy) -> bool {
    !p.default.permits()
}

fn default_action(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    match p.default {
        Action::Errno(1) => out.push(
            Diagnostic::new(Code::DefaultEperm, "the default fails unknown syscalls with EPERM")
                .at(p.default_span, "programs take EPERM as a hard failure")
                .help("use `default errno(ENOSYS);`: a program then sees the syscall as missing and falls back (glibc goes from clone3 to clone, from statx to fstat)"),
        ),
        Action::KillThread => out.push(
            Diagnostic::new(Code::DefaultKillThread, "the default kills only the calling thread")
                .at(p.default_span, "the rest of the process goes on, possibly holding locks the dead thread held")
                .help("use `default kill;` to kill the whole process"),
        ),
        _ => {}
    }
}

fn essentials(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    if !is_allowlist(p) {
        return;
    }
    let missing: Vec<&str> = ESSENTIAL
        .iter()
        .copied()
        .filter(|name| p.arch.syscall(name).is_some_and(|s| !may_permit(p, s.nr)))
        .collect();
    if !missing.is_empty() {
        out.push(
            Diagnostic::new(
                Code::MissingEssential,
                format!("the policy does not allow {}", list(&missing)),
            )
            .at(
                p.default_span,
                "every process needs them to exit and to return from signal handlers",
            )
            .help(format!(
                "add `allow {};` (or `allow @default;`)",
                missing.join(", ")
            )),
        );
    }
}

fn denylist_siblings(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    if is_allowlist(p) {
        return;
    }
    for family in FAMILIES {
        let present: Vec<_> = family.iter().filter_map(|n| p.arch.syscall(n)).collect();
        let Some(blocking) = present.iter().find_map(|s| {
            p.rules_for(s.nr)
                .find(|(_, r)| !r.action.permits())
                .map(|(_, r)| r)
        }) else {
            continue;
        };
        let open: Vec<&str> = present
            .iter()
            .filter(|s| p.rules_for(s.nr).next().is_none())
            .map(|s| s.name)
            .collect();
        if open.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::DenylistSibling,
                format!(
                    "`{}` is blocked but {} {} not: {} the same thing",
                    blocking.syscall.name,
                    list(&open),
                    if open.len() == 1 { "is" } else { "are" },
                    if open.len() == 1 {
                        "it does"
                    } else {
                        "they do"
                    }
                ),
            )
            .at(
                blocking.origin.target,
                format!(
                    "the default `{}` lets the others through",
                    p.default.to_source()
                ),
            )
            .help(format!(
                "block them too: `{} {}, {};`",
                blocking.action.to_source(),
                blocking.syscall.name,
                open.join(", ")
            )),
        );
    }
}

fn clone3(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    let (Some(clone), Some(clone3)) = (p.arch.syscall("clone"), p.arch.syscall("clone3")) else {
        return;
    };
    let Some((_, filtered)) = p.rules_for(clone.nr).find(|(_, r)| r.cond.is_some()) else {
        return;
    };
    if outcome(p, clone3.nr).is_some_and(Action::permits) {
        out.push(
            Diagnostic::new(Code::Clone3Unfiltered, "`clone` is filtered by its arguments but `clone3` is allowed")
                .at(filtered.origin.target, "this condition can be sidestepped with clone3")
                .note("clone3 takes its flags in a struct in memory, which a filter cannot read")
                .help("add `errno(ENOSYS) clone3;` before the rules that allow it: libc then falls back to clone"),
        );
    }
}

fn dangerous(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    if !is_allowlist(p) {
        return;
    }
    for rule in &p.rules {
        if !rule.action.permits() {
            continue;
        }
        let Some((_, why)) = DANGEROUS.iter().find(|(n, _)| *n == rule.syscall.name) else {
            continue;
        };
        // Only the first rule that lets it through.
        if p.rules_for(rule.nr())
            .find(|(_, r)| r.action.permits())
            .map(|(_, r)| r)
            != Some(rule)
        {
            continue;
        }
        let d = Diagnostic::new(Code::DangerousSyscall, format!("the policy allows `{}`", rule.syscall.name))
            .at(rule.origin.target, *why)
            .help("remove it unless the program really needs it; `scc lint --allow S0204` or `// scc: allow(S0204)` records that it does");
        out.push(match rule.origin.group {
            Some(g) => d.with_secondary(g, "allowed through this group"),
            None => d,
        });
    }
}

fn seccomp_note(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    if let Some(s) = p.arch.syscall("seccomp") {
        if let Some((_, r)) = p.rules_for(s.nr).find(|(_, r)| r.action.permits()) {
            out.push(
                Diagnostic::new(
                    Code::SeccompAllowed,
                    "the program may install more seccomp filters",
                )
                .at(r.origin.target, "allowed here")
                .note("that is fine: a new filter can only restrict further, never lift this one"),
            );
        }
    }
}

fn pointers(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    for rule in &p.rules {
        let Some(cond) = &rule.cond else { continue };
        for t in cond.tests() {
            let Some(def) = rule.syscall.args.get(usize::from(t.arg)) else {
                continue;
            };
            let zero_only =
                matches!(t.op, TestOp::Eq(0) | TestOp::Ne(0)) && t.mask == t.width.mask();
            if def.pointer && !zero_only {
                out.push(
                    Diagnostic::new(Code::PointerCompared, format!("`{}` is a pointer: the filter sees its address, not what it points to", def.name))
                        .at(t.span, format!("compares the address in `{}` ({})", def.name, def.ty))
                        .note("another thread can change the memory after the check (time of check to time of use)")
                        .help("compare pointers with 0 only; to check paths, use Landlock or `notify` with a supervisor"),
                );
            }
        }
    }
}

/// `==`, `in` or `!=` on a set of flags ([`crate::tables::ArgDef::flags`]) the way round
/// that one more bit gets past the rule: an exact match in a rule that does not permit
/// (`errno(EPERM) mmap(prot == RWX)` misses `RWX | PROT_SEM`), or an exact mismatch in
/// one that does (`allow mmap(prot != RWX)` lets `RWX | PROT_SEM` through). A test under
/// a mask is left alone: the policy chose its bits.
fn flag_equality(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    for rule in &p.rules {
        let Some(cond) = &rule.cond else { continue };
        let mut tests = Vec::new();
        polar_tests(cond, true, &mut tests);
        for (t, positive) in tests {
            let Some(def) = rule.syscall.args.get(usize::from(t.arg)) else {
                continue;
            };
            let Some(flags) = def.flags else { continue };
            let exact = match t.op {
                TestOp::Eq(_) | TestOp::In(_) => positive,
                TestOp::Ne(_) => !positive,
                _ => continue,
            };
            if t.mask != t.width.mask() || exact == rule.action.permits() {
                continue;
            }
            let name = def.name;
            let label = if exact {
                "matches one exact combination of flags: the same call with one more flag does not match"
            } else {
                "every other combination matches, the excluded one with one more flag too"
            };
            let location = flags.at.split(": ").next().unwrap_or(flags.at);
            let help = match t.op {
                TestOp::Eq(v) if v != 0 => format!(
                    "test the bits that matter, whatever else is set: `{name} & {v:#x} == {v:#x}` (all of them set)"
                ),
                TestOp::Ne(v) if v != 0 => format!(
                    "test the bits that matter, whatever else is set: `{name} & {v:#x} != {v:#x}` (not all of them set)"
                ),
                _ => format!(
                    "test the bits that matter with a mask: `{name} & FLAG != 0`, `{name} & (A | B) == A | B`"
                ),
            };
            out.push(
                Diagnostic::new(
                    Code::FlagEquality,
                    format!("`{name}` is a set of flags: this condition is bypassed by adding one"),
                )
                .at(t.span, label)
                .note(format!(
                    "the kernel ignores some bits of `{name}`: {} (Linux {}, {location})",
                    flags.why,
                    p.arch.kernel_version()
                ))
                .help(help),
            );
        }
    }
}

/// Every test of a condition with its polarity: false under an odd number of `!`.
fn polar_tests<'a>(e: &'a Expr, positive: bool, out: &mut Vec<(&'a Test, bool)>) {
    match e {
        Expr::Test(t) => out.push((t, positive)),
        Expr::Not(e) => polar_tests(e, !positive, out),
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| polar_tests(e, positive, out)),
        Expr::Const(_) => {}
    }
}

fn shadowed(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    for (i, rule) in p.rules.iter().enumerate() {
        let earlier = p.rules[..i].iter().filter(|r| r.nr() == rule.nr());
        for prev in earlier {
            let covers = match (&prev.cond, &rule.cond) {
                (None, _) => true,
                (Some(a), Some(b)) => same_expr(a, b),
                (Some(_), None) => false,
            };
            if !covers {
                continue;
            }
            let harmless = prev.action == rule.action
                && (prev.origin.group.is_some() || rule.origin.group.is_some());
            if harmless {
                break;
            }
            let same_stmt = prev.origin.stmt == rule.origin.stmt;
            let d = if same_stmt {
                Diagnostic::new(
                    Code::DuplicateTarget,
                    format!("`{}` is listed twice in this rule", rule.syscall.name),
                )
                .at(rule.origin.target, "again here")
                .with_secondary(prev.origin.target, "first here")
                .help("remove one of them")
            } else {
                Diagnostic::new(
                    Code::ShadowedRule,
                    format!("this `{}` rule is never reached", rule.syscall.name),
                )
                .at(rule.origin.target, "never reached")
                .with_secondary(
                    prev.origin.target,
                    format!(
                        "every call of `{}` this rule would match already matched here ({})",
                        rule.syscall.name,
                        prev.action.to_source()
                    ),
                )
                .note("rules are tried in file order and the first match decides")
                .help("move the more specific rule first, or remove it")
            };
            out.push(d);
            break;
        }
    }
}

fn constant_conditions(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    for rule in &p.rules {
        let Some(cond) = &rule.cond else { continue };
        let value = const_value(p, rule, cond);
        if let Some(v) = value {
            let span = cond.tests().first().map_or(rule.origin.target, |t| {
                cond.tests().iter().fold(t.span, |s, t| s.to(t.span))
            });
            out.push(
                Diagnostic::new(
                    Code::ConstantCondition,
                    format!("this condition is always {v}"),
                )
                .at(span, if v { "matches every call: the condition is useless" } else { "matches no call: the rule never applies" })
                .help(match (unsigned_sign_test(rule, cond), v) {
                    (Some(help), _) => help,
                    (None, true) => format!("write `{}` without a condition, or fix the comparison", rule.syscall.name),
                    (None, false) => "check the operators and values: two different values for one argument joined by `&&` (`x == 1 && x == 2`) never match".to_owned(),
                }),
            );
        }
    }
}

/// A help for the usual cause of a constant condition: a sign test (`x < 0`, `x >= 0`)
/// on an unsigned comparison.
fn unsigned_sign_test(rule: &Rule, cond: &Expr) -> Option<String> {
    let t = cond
        .tests()
        .into_iter()
        .find(|t| t.mask == t.width.mask() && matches!(t.op, TestOp::Lt(0) | TestOp::Ge(0)))?;
    let name = rule
        .syscall
        .args
        .get(usize::from(t.arg))
        .map_or_else(|| format!("arg{}", t.arg), |a| a.name.to_owned());
    let bits = t.width.bits();
    // The sign bit, written with `_` every four digits: `0x8000_0000`.
    let digits = format!("8{}", "0".repeat(bits as usize / 4 - 1));
    let groups: Vec<&str> = (0..digits.len())
        .step_by(4)
        .map(|i| &digits[i..(i + 4).min(digits.len())])
        .collect();
    let sign = format!("0x{}", groups.join("_"));
    Some(match t.op {
        TestOp::Lt(_) => format!(
            "comparisons are unsigned, so `{name} < 0` is never true; to match a negative {bits}-bit `{name}`, write `{name} >= {sign}`"
        ),
        _ => format!(
            "comparisons are unsigned, so `{name} >= 0` is always true; to match a non-negative {bits}-bit `{name}`, write `{name} < {sign}`"
        ),
    })
}

/// A syscall the policy names that one of its architectures does not have: the rule is
/// skipped there, which is right when programs use a replacement (aarch64 has `openat`
/// but no `open`), and worth knowing either way.
fn absent(p: &ArchPolicy, out: &mut Vec<Diagnostic>) {
    for &(name, span) in &p.absent {
        // What programs call there instead: the family members this arch has.
        let instead: Vec<String> = FAMILIES
            .iter()
            .filter(|f| f.contains(&name))
            .flat_map(|f| f.iter())
            .filter(|s| p.arch.syscall(s).is_some())
            .map(|s| format!("`{s}`"))
            .collect();
        let help = if instead.is_empty() {
            format!(
                "nothing to do if programs never make this call on {}; otherwise restrict the policy with `arch`",
                p.arch
            )
        } else {
            format!(
                "programs call {} there instead: make sure the policy names {}",
                instead.join(" or "),
                if instead.len() == 1 { "it" } else { "them" }
            )
        };
        out.push(
            Diagnostic::new(
                Code::MissingOnArch,
                format!("`{name}` does not exist on {}", p.arch),
            )
            .at(span, format!("skipped on {}", p.arch))
            .help(help),
        );
    }
}

/// Whether a condition is the same for every argument value (exactly: through the
/// compiler's decision diagram of a one-rule policy).
fn const_value(p: &ArchPolicy, rule: &Rule, cond: &Expr) -> Option<bool> {
    let probe = ArchPolicy {
        arch: p.arch,
        default: Action::KillProcess,
        default_span: p.default_span,
        absent: Vec::new(),
        rules: vec![Rule {
            cond: Some(cond.clone()),
            action: Action::Allow,
            ..rule.clone()
        }],
    };
    match constant_action(&probe, rule.nr())? {
        Action::Allow => Some(true),
        _ => Some(false),
    }
}

/// Structural equality of conditions, wherever they were written.
fn same_expr(a: &Expr, b: &Expr) -> bool {
    match (a, b) {
        (Expr::Test(x), Expr::Test(y)) => {
            (x.arg, x.width, x.mask, &x.op) == (y.arg, y.width, y.mask, &y.op)
        }
        (Expr::Not(x), Expr::Not(y)) => same_expr(x, y),
        (Expr::And(x), Expr::And(y)) | (Expr::Or(x), Expr::Or(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_expr(x, y))
        }
        (Expr::Const(x), Expr::Const(y)) => x == y,
        _ => false,
    }
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Whether a `// scc: allow(S0204)` comment on the finding's line or the line above
/// silences it, as `scc lint` and the macros honour it. Errors cannot be silenced.
pub fn silenced_in_source(d: &Diagnostic, sources: &SourceMap) -> bool {
    if d.is_error() {
        return false;
    }
    let Some(span) = d.span() else { return false };
    let file = sources.file(span.file);
    let (line, _) = file.line_col(span.start as usize);
    let marker = format!("scc: allow({})", d.code.id());
    (line.saturating_sub(1).max(1)..=line).any(|l| file.line(l).contains(&marker))
}
