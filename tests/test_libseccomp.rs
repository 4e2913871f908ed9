//! Against libseccomp: the same policy built with libseccomp's API gives a filter that
//! decides every input the same way as ours (both run in the interpreter), and ours is
//! never longer than libseccomp's default output.
//!
//! Needs libseccomp-dev; enabled by the `libseccomp` feature (`.ci/run` turns it on).
//!
//! Where the two semantics differ, the comparison stays out of the way:
//! - libseccomp compares every argument as 64 bits, while we compare 32-bit arguments on
//!   their low word only (what the kernel reads), so inputs have a zero high word on the
//!   arguments that are narrower than 64 bits;
//! - libseccomp lets syscall number -1 (`0xffff_ffff`, what a ptrace tracer sets to skip a
//!   call) through its x32 guard to the default action; we kill it like every number
//!   past the x32 bit, so that number is left out;
//! - libseccomp has no first-match order between rules of different actions on one
//!   syscall, so only policies whose syscalls each have one action are translated.

mod common;

use common::corpus::example_policies;
use common::inputs::inputs;
use common::scmp;
use libseccomp::{
    ScmpAction, ScmpArch, ScmpArgCompare, ScmpCompareOp, ScmpFilterContext, ScmpSyscall,
};
use seccomp_dsl::bpf::interp;
use seccomp_dsl::policy::{Expr, Test, TestOp};
use seccomp_dsl::{Action, Arch, ArchPolicy, evaluate};

/// A conjunction of libseccomp comparisons.
type Conj = Vec<(u32, ScmpCompareOp, u64)>;

/// One test, possibly negated, as a disjunction of conjunctions.
fn test_dnf(t: &Test, negated: bool) -> Option<Vec<Conj>> {
    let arg = u32::from(t.arg);
    let full = t.mask == t.width.mask();
    let cmp = |op, v| (arg, op, v);
    let one = |c| Some(vec![vec![c]]);
    use ScmpCompareOp::*;
    match (&t.op, negated) {
        (TestOp::Eq(v), false) if full => one(cmp(MaskedEqual(t.mask), *v)),
        (TestOp::Eq(v), false) => one(cmp(MaskedEqual(t.mask), *v)),
        (TestOp::Ne(v), true) => one(cmp(MaskedEqual(t.mask), *v)),
        (TestOp::Eq(v), true) | (TestOp::Ne(v), false) if full => one(cmp(NotEqual, *v)),
        (TestOp::Lt(v), false) | (TestOp::Ge(v), true) if full => one(cmp(Less, *v)),
        (TestOp::Le(v), false) | (TestOp::Gt(v), true) if full => one(cmp(LessOrEqual, *v)),
        (TestOp::Gt(v), false) | (TestOp::Le(v), true) if full => one(cmp(Greater, *v)),
        (TestOp::Ge(v), false) | (TestOp::Lt(v), true) if full => one(cmp(GreaterEqual, *v)),
        (TestOp::In(vs), false) => Some(
            vs.iter()
                .map(|v| vec![cmp(MaskedEqual(t.mask), *v)])
                .collect(),
        ),
        (TestOp::In(vs), true) if full => {
            Some(vec![vs.iter().map(|v| cmp(NotEqual, *v)).collect()])
        }
        _ => None,
    }
}

fn and(a: Vec<Conj>, b: Vec<Conj>) -> Vec<Conj> {
    a.iter()
        .flat_map(|x| b.iter().map(move |y| x.iter().chain(y).copied().collect()))
        .collect()
}

/// A condition in disjunctive normal form, when libseccomp can express it.
fn dnf(e: &Expr, negated: bool) -> Option<Vec<Conj>> {
    let r = match (e, negated) {
        (Expr::Test(t), n) => test_dnf(t, n)?,
        (Expr::Not(e), n) => dnf(e, !n)?,
        (Expr::Const(b), n) => {
            if *b != n {
                vec![vec![]]
            } else {
                vec![]
            }
        }
        (Expr::Or(v), false) | (Expr::And(v), true) => {
            let mut out = Vec::new();
            for e in v {
                out.extend(dnf(e, negated)?);
            }
            out
        }
        (Expr::And(v), false) | (Expr::Or(v), true) => {
            let mut acc = vec![vec![]];
            for e in v {
                acc = and(acc, dnf(e, negated)?);
            }
            acc
        }
    };
    (r.len() <= 64).then_some(r)
}

/// Builds the policy with libseccomp, or `None` where it cannot express it.
fn libseccomp_filter(p: &ArchPolicy) -> Option<ScmpFilterContext> {
    let mut ctx = ScmpFilterContext::new(scmp::action(p.default)).unwrap();
    ctx.set_act_badarch(ScmpAction::KillProcess).unwrap();
    let arch = scmp::arch(p.arch);
    if arch != ScmpArch::native() {
        ctx.add_arch(arch).unwrap();
        ctx.remove_arch(ScmpArch::native()).unwrap();
    }
    let mut seen: Vec<(u32, Action)> = Vec::new();
    for rule in &p.rules {
        match seen.iter().find(|(nr, _)| *nr == rule.nr()) {
            Some((_, a)) if *a != rule.action => return None,
            Some(_) => {}
            None => seen.push((rule.nr(), rule.action)),
        }
        if rule.action == p.default {
            continue; // libseccomp refuses these; with one action per syscall they are no-ops
        }
        // libseccomp takes the native number and translates it by name for each arch.
        let sys = ScmpSyscall::from_name(rule.syscall.name).ok()?;
        let action = scmp::action(rule.action);
        let conjs = match &rule.cond {
            None => vec![vec![]],
            Some(c) => dnf(c, false)?,
        };
        for conj in conjs {
            let mut args: Vec<u32> = conj.iter().map(|c| c.0).collect();
            args.sort_unstable();
            args.dedup();
            if args.len() != conj.len() {
                return None; // libseccomp compares each argument at most once per rule
            }
            let cmps: Vec<ScmpArgCompare> = conj
                .iter()
                .map(|&(a, op, v)| ScmpArgCompare::new(a, op, v))
                .collect();
            ctx.add_rule_conditional(action, sys, &cmps).ok()?;
        }
    }
    Some(ctx)
}

/// Zeroes the high word of arguments narrower than 64 bits, where libseccomp's 64-bit
/// comparisons and the kernel's view differ.
fn low_words_only(p: &ArchPolicy, data: &mut seccomp_dsl::SeccompData) {
    if let Some(def) = p.arch.syscall_by_nr(data.nr) {
        for (i, a) in def.args.iter().enumerate() {
            data.args[i] &= a.width.mask();
        }
    }
}

/// Compares on every input; returns (our length, libseccomp's length).
fn compare(name: &str, out: &seccomp_dsl::Output, arch: Arch) -> Option<(usize, usize)> {
    let p = out.policy.as_ref().unwrap().arch(arch)?;
    let ours = &out.program(arch).unwrap().insns;
    let ctx = libseccomp_filter(p)?;
    let theirs = scmp::export(&ctx);
    let mut checked = 0;
    for mut data in inputs(p, 500) {
        if arch == Arch::X86_64 && data.nr == u32::MAX {
            continue;
        }
        low_words_only(p, &mut data);
        let want = evaluate(p, &data).action;
        let bytes = data.to_bytes();
        let a = interp::run(ours, &bytes).unwrap().ret;
        let b = interp::run(&theirs, &bytes).unwrap().ret;
        assert_eq!(a, want.ret(), "{name} ({arch}): ours on {data:x?}");
        assert_eq!(
            b,
            want.ret(),
            "{name} ({arch}): libseccomp returns {} on {data:x?}, policy says {want}",
            Action::from_ret(b)
        );
        checked += 1;
    }
    assert!(checked > 400);
    Some((ours.len(), theirs.len()))
}

#[test]
fn example_policies_agree_with_libseccomp_and_are_never_longer() {
    for (name, out) in example_policies() {
        for arch in [Arch::X86_64, Arch::Aarch64] {
            let Some((ours, theirs)) = compare(&name, &out, arch) else {
                panic!(
                    "{name} ({arch}): libseccomp cannot express it; keep the examples translatable"
                )
            };
            eprintln!("{name} ({arch}): {ours} instructions, libseccomp {theirs}");
            assert!(
                ours <= theirs,
                "{name} ({arch}): {ours} instructions, libseccomp {theirs}"
            );
        }
    }
}

#[test]
fn argument_comparisons_agree_with_libseccomp() {
    let policies = [
        "default kill; allow lseek(offset < 10), mmap(len >= 0x1_0000_0000), \
         madvise(len <= 4096), mremap(new_len > 0xffff_ffff);",
        "default errno(EPERM); allow mmap(prot & PROT_EXEC == 0), \
         mprotect(prot & (PROT_EXEC | PROT_WRITE) == PROT_WRITE);",
        "default allow; errno(EACCES) socket(domain in {AF_PACKET, AF_NETLINK} || type == SOCK_RAW);",
        "default trap; allow openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY), \
         ioctl(cmd == TCGETS || cmd == FIONBIO), write(fd == 1 || fd == 2), exit_group;",
        "default log; kill_process kill(pid != 0 && sig == 9); errno(ENOSYS) clone3;",
    ];
    for (i, src) in policies.iter().enumerate() {
        let out = seccomp_dsl::compile_str(&format!("cmp-{i}.sc"), src);
        assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
        for arch in [Arch::X86_64, Arch::Aarch64] {
            compare(src, &out, arch).unwrap_or_else(|| panic!("{src}: not translatable"));
        }
    }
}
