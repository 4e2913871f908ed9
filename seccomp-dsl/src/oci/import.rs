//! A Docker/OCI JSON profile → a policy file, as Docker and runc/crun apply it.
//!
//! What the importer models, step by step:
//!
//! 1. **Docker** resolves the profile for one container: `archMap` gives the
//!    architectures of the native one; an entry of `syscalls` is dropped when its
//!    `excludes` match (any listed capability is in the bounding set, the architecture is
//!    listed, the kernel is at least `minKernel`) or its `includes` do not (every listed
//!    capability, the architecture, the kernel version). Capabilities come from `--caps`,
//!    the kernel from `--kernel` (default: the version the syscall tables are from).
//! 2. **runc/crun** turn each entry into libseccomp rules: `SCMP_ACT_ERRNO` and
//!    `SCMP_ACT_TRACE` without `errnoRet` use EPERM; `SCMP_ACT_KILL` is kill-thread; a rule
//!    whose action equals the default is skipped; a name unknown on the architecture is
//!    skipped silently; the conditions of one entry are ANDed, unless an argument index
//!    repeats, in which case **every** condition becomes its own rule (ORed).
//! 3. **libseccomp** resolves several rules of one syscall: the first *unconditional*
//!    rule wins over everything else for that syscall (libseccomp drops conditional rules
//!    once a syscall has an unconditional one, and an unconditional rule replaces the
//!    conditional ones added before it; a rule whose comparisons are all `MASKED_EQ`
//!    with a zero mask is unconditional, libseccomp generates nothing for them);
//!    conditional rules of one action are ORed; `MASKED_EQ` masks `valueTwo` too.
//!    Conditional rules of *different* actions that can match the same call are decided
//!    by libseccomp's rule tree, not by file order: when each rule is one comparison and
//!    rules of different actions compare different arguments, the tree tries the highest
//!    argument first and the importer orders them so (a note says so); otherwise it keeps
//!    file order and warns.
//!
//! **Argument widths.** libseccomp compares all 64 bits of an argument; the kernel (and
//! the policy language) read only the argument's own width (32 bits for an `int`). The
//! importer keeps what the comparison means for the bits the kernel reads:
//! - a value that fits the width is compared on those bits: the same decision as runc's
//!   whenever the caller passes the high bits clear;
//! - a sign-extended negative value of a signed argument (`0xffff_ffff_ffff_ff9c` for an
//!   `int` AT_FDCWD) becomes the negative number (`-100`) on the low bits: the same decision
//!   as runc's for callers that sign-extend (glibc and Go do); a note says so;
//! - a value with bits the kernel never reads (`fd == 0x1_0000_0001`) can only match under
//!   runc when a caller sets garbage high bits: the comparison becomes what it is for a
//!   clean call (`==` never, `!=` always, `<` always, `>` never), with a warning.
//!
//! So on every call whose narrow arguments have clean high bits, the imported policy and
//! runc decide the same; on crafted calls the policy follows the kernel (no bypass by
//! garbage high bits, libseccomp's issue 383).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::profile::{ArgCmp, Filter, Profile, SyscallRule};
use super::{ALL_CAPS, DEFAULT_CAPS, EPERM, FLAGS, Finding, SCMP_ARCHES, docker_arch, scmp_arch};
use crate::diag::Severity;
use crate::policy::{Expr, Test, TestOp};
use crate::region::Region;
use crate::tables::{ArgDef, SyscallDef, Width};
use crate::{Action, Arch, Span};

/// How to resolve a profile.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub arch: Arch,
    /// The container's bounding capability set.
    pub caps: Vec<String>,
    /// How the capabilities were given (`default`, `all`, a list), for the header.
    pub caps_label: String,
    /// The kernel version `minKernel` is compared with.
    pub kernel: (u32, u32),
    /// The profile's file name, for the header comment.
    pub source: String,
    /// Also add runc's ENOSYS stub: syscalls numbered above the highest one the profile
    /// names fail with ENOSYS (runc does this unless the default allows or is ENOSYS).
    pub runc_enosys: bool,
}

impl ImportOptions {
    /// Docker's default capabilities and the tables' kernel version.
    pub fn new(arch: Arch) -> ImportOptions {
        ImportOptions {
            arch,
            caps: DEFAULT_CAPS.iter().map(|s| s.to_string()).collect(),
            caps_label: "default".into(),
            kernel: parse_kernel(arch.kernel_version()).unwrap_or((6, 12)),
            source: "profile.json".into(),
            runc_enosys: false,
        }
    }
}

/// Parses `--caps`: comma-separated capability names, `default` (Docker's set) and `all`
/// (names with or without `CAP_`, any case).
pub fn parse_caps(spec: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for word in spec.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match word {
            "default" => out.extend(DEFAULT_CAPS.iter().map(|s| s.to_string())),
            "all" => out.extend(ALL_CAPS.iter().map(|s| s.to_string())),
            "none" => {}
            w => {
                let up = w.to_ascii_uppercase();
                let name = if up.starts_with("CAP_") {
                    up
                } else {
                    format!("CAP_{up}")
                };
                if !ALL_CAPS.contains(&name.as_str()) {
                    return Err(format!("unknown capability `{w}`"));
                }
                out.push(name);
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Parses a kernel version `6.1` or `6.1.12-amd64` into (major, minor).
pub fn parse_kernel(s: &str) -> Result<(u32, u32), String> {
    let mut it = s.split(['.', '-', '+']);
    let major = it.next().and_then(|x| x.parse().ok());
    let minor = it.next().and_then(|x| x.parse().ok());
    match (major, minor) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(format!(
            "invalid kernel version `{s}`, expected MAJOR.MINOR"
        )),
    }
}

/// The result of an import.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The policy, unless an error made the import impossible.
    pub text: Option<String>,
    pub findings: Vec<Finding>,
}

impl Imported {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }
}

/// Imports a profile given as JSON text.
pub fn import_str(json: &str, opts: &ImportOptions) -> Imported {
    match serde_json::from_str::<Profile>(json) {
        Ok(p) => import(&p, opts),
        Err(e) => Imported {
            text: None,
            findings: vec![Finding::new(
                Severity::Error,
                "",
                format!("not a seccomp profile: {e}"),
            )],
        },
    }
}

/// One syscall target of an entry.
struct Target {
    sys: &'static SyscallDef,
    /// `None`: no condition in the policy.
    cond: Option<Expr>,
    text: Option<String>,
    /// libseccomp sees an unconditional rule (no `args`).
    unconditional: bool,
    /// The libseccomp rules when each is a single comparison (for ordering overlaps
    /// the way libseccomp does).
    lib: Option<Vec<LibRule>>,
    /// Why it is left out, if it is.
    dropped: Option<String>,
}

impl Target {
    /// A rule without arguments, as libseccomp sees it.
    fn unconditional(sys: &'static SyscallDef) -> Target {
        Target {
            sys,
            cond: None,
            text: None,
            unconditional: true,
            lib: None,
            dropped: None,
        }
    }
}

/// One entry of `syscalls`, resolved.
struct Entry {
    index: usize,
    action: Option<Action>,
    /// Comment lines (source, includes/excludes).
    about: Vec<String>,
    /// Why the whole entry is left out.
    skipped: Option<String>,
    targets: Vec<Target>,
    /// Names that are not syscalls of the architecture.
    missing: Vec<String>,
}

/// A condition of one comparison, or a constant when the width decides it.
#[derive(Clone)]
enum Atom {
    Test(Test, String),
    Const(bool),
}

/// One libseccomp rule of a single comparison, with libseccomp's sort key of its first
/// node (argument index, operator class, value). Only the argument is relied on: rules
/// on a higher argument are tried first; within one argument the order also depends on
/// which 32-bit halves the comparison needs, so it is not claimed.
#[derive(Clone)]
struct LibRule {
    key: (u32, u8, i128),
    atom: Atom,
}

fn lib_key(c: &ArgCmp) -> (u32, u8, i128) {
    let (prio, datum) = match c.op.as_str() {
        "SCMP_CMP_LT" | "SCMP_CMP_LE" => (2, -i128::from(c.value)),
        "SCMP_CMP_GT" | "SCMP_CMP_GE" => (1, i128::from(c.value)),
        "SCMP_CMP_MASKED_EQ" => (3, i128::from(c.value_two)),
        _ => (3, i128::from(c.value)),
    };
    (c.index, prio, datum)
}

/// A condition (`None`: none in the policy), whether it can hold, and the libseccomp
/// rules when each is one comparison.
type CondOut = (Option<(Expr, String)>, bool, Option<Vec<LibRule>>);

struct Importer<'a> {
    opts: &'a ImportOptions,
    findings: Vec<Finding>,
}

impl Importer<'_> {
    fn push(&mut self, sev: Severity, path: impl Into<String>, msg: impl Into<String>) {
        self.findings.push(Finding::new(sev, path, msg));
    }

    fn unknown_fields(&mut self, path: &str, unknown: &BTreeMap<String, super::profile::Json>) {
        for k in unknown.keys() {
            self.push(
                Severity::Warning,
                path,
                format!("unknown field `{k}` (Docker and runc ignore it)"),
            );
        }
    }

    fn action(
        &mut self,
        path: &str,
        name: &str,
        errno: Option<u64>,
        errno_name: Option<&str>,
    ) -> Option<Action> {
        let errno = match (errno, errno_name) {
            (Some(n), _) => Some(n),
            (None, Some(e)) => match self.opts.arch.constant(e) {
                Some(v) if (1..4096).contains(&v) => {
                    self.push(
                        Severity::Note,
                        path,
                        format!("errno `{e}` given by name only (containers/common); runc reads `errnoRet`"),
                    );
                    Some(v as u64)
                }
                _ => {
                    self.push(Severity::Warning, path, format!("unknown errno name `{e}`"));
                    None
                }
            },
            (None, None) => None,
        };
        let data = |this: &mut Self, default: u16, errno_like: bool| -> u16 {
            match errno {
                None => default,
                Some(n) => {
                    // runc passes errnoRet through int16; libseccomp keeps the low 16 bits
                    // and refuses an errno of 4095 (MAX_ERRNO) or more.
                    let d = (n & 0xffff) as u16;
                    if errno_like && d >= 4095 {
                        this.push(
                            Severity::Error,
                            path,
                            format!("errnoRet {n}: libseccomp refuses errno values from 4095 up, so runc and crun refuse the profile"),
                        );
                        4095
                    } else {
                        if u64::from(d) != n {
                            this.push(
                                Severity::Warning,
                                path,
                                format!("errnoRet {n} is cut to 16 bits ({d})"),
                            );
                        }
                        d
                    }
                }
            }
        };
        let a = match name {
            "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => Action::KillThread,
            "SCMP_ACT_KILL_PROCESS" => Action::KillProcess,
            "SCMP_ACT_TRAP" => Action::Trap,
            "SCMP_ACT_ERRNO" => Action::Errno(data(self, EPERM, true)),
            "SCMP_ACT_TRACE" => Action::Trace(data(self, EPERM, false)),
            "SCMP_ACT_ALLOW" => Action::Allow,
            "SCMP_ACT_LOG" => Action::Log,
            "SCMP_ACT_NOTIFY" => Action::Notify,
            other => {
                self.push(
                    Severity::Error,
                    path,
                    format!("unknown action `{other}` (runc refuses the profile)"),
                );
                return None;
            }
        };
        if errno.is_some() && !matches!(a, Action::Errno(_) | Action::Trace(_)) {
            self.push(
                Severity::Warning,
                path,
                format!("errnoRet is ignored with {name}"),
            );
        }
        Some(a)
    }

    /// Whether Docker keeps the entry; else why not.
    fn docker_keeps(
        &mut self,
        path: &str,
        inc: Option<&Filter>,
        exc: Option<&Filter>,
    ) -> Result<(), String> {
        let arch = docker_arch(self.opts.arch);
        let caps = &self.opts.caps;
        for (what, f) in [("includes", inc), ("excludes", exc)] {
            let Some(f) = f else { continue };
            self.unknown_fields(&format!("{path}.{what}"), &f.unknown.clone());
            for c in f.caps.iter().flatten() {
                if !ALL_CAPS.contains(&c.as_str()) {
                    self.push(
                        Severity::Warning,
                        format!("{path}.{what}.caps"),
                        format!("unknown capability `{c}`: never in a bounding set"),
                    );
                }
            }
        }
        if let Some(e) = exc {
            if e.arches.iter().flatten().any(|a| a == arch) {
                return Err(format!("excluded on {arch}"));
            }
            if let Some(c) = e.caps.iter().flatten().find(|c| caps.contains(c)) {
                return Err(format!("excluded with {c}"));
            }
            if let Some(k) = e.min_kernel.as_deref().filter(|k| !k.is_empty()) {
                if self.kernel_at_least(&format!("{path}.excludes.minKernel"), k) {
                    return Err(format!("excluded on kernel {k} and later"));
                }
            }
        }
        if let Some(i) = inc {
            if let Some(list) = i.arches.as_ref().filter(|l| !l.is_empty()) {
                if !list.iter().any(|a| a == arch) {
                    return Err(format!("only on {}", list.join(", ")));
                }
            }
            if let Some(c) = i.caps.iter().flatten().find(|c| !caps.contains(c)) {
                return Err(format!("needs {c}"));
            }
            if let Some(k) = i.min_kernel.as_deref().filter(|k| !k.is_empty()) {
                if !self.kernel_at_least(&format!("{path}.includes.minKernel"), k) {
                    return Err(format!("needs kernel {k}"));
                }
            }
        }
        Ok(())
    }

    fn kernel_at_least(&mut self, path: &str, k: &str) -> bool {
        let parts: Vec<&str> = k.split('.').collect();
        let parsed = match parts.as_slice() {
            [a, b] => a.parse::<u8>().ok().zip(b.parse::<u8>().ok()),
            _ => None,
        };
        match parsed {
            Some((a, b)) => (u32::from(a), u32::from(b)) <= self.opts.kernel,
            None => {
                self.push(
                    Severity::Error,
                    path,
                    format!("invalid kernel version `{k}`, expected \"<kernel>.<major>\" (Docker refuses the profile)"),
                );
                false
            }
        }
    }

    /// One comparison on a syscall argument.
    fn atom(&mut self, path: &str, sys: &'static SyscallDef, c: &ArgCmp) -> Option<Atom> {
        self.unknown_fields(path, &c.unknown);
        if c.index > 5 {
            self.push(
                Severity::Error,
                path,
                format!(
                    "argument index {} out of range 0..=5 (runc refuses the profile)",
                    c.index
                ),
            );
            return None;
        }
        let Some(def) = sys.args.get(c.index as usize) else {
            self.push(
                Severity::Error,
                path,
                if sys.implemented {
                    format!(
                        "`{}` has {} argument{} on {}: argument {} is a register the kernel never reads, the policy language cannot compare it",
                        sys.name,
                        sys.args.len(),
                        if sys.args.len() == 1 { "" } else { "s" },
                        self.opts.arch,
                        c.index
                    )
                } else {
                    format!(
                        "`{}` is not implemented on {}: its arguments are unknown",
                        sys.name, self.opts.arch
                    )
                },
            );
            return None;
        };
        let name = arg_name(def, c.index);
        let wm = def.width.mask();
        let test = |op: TestOp, mask: u64| Test {
            arg: c.index as u8,
            width: def.width,
            mask,
            op,
            span: Span::default(),
        };
        let (v, v2) = (c.value, c.value_two);
        if c.op == "SCMP_CMP_MASKED_EQ" {
            if v == 0 {
                // libseccomp generates nothing for it: always true (and a rule left with
                // no comparison is unconditional).
                return Some(Atom::Const(true));
            }
            let v2 = if v2 & !v != 0 {
                self.push(
                    Severity::Warning,
                    path,
                    format!("MASKED_EQ: valueTwo {v2:#x} has bits outside the mask {v:#x}; libseccomp ignores them (compares with {:#x})", v2 & v),
                );
                v2 & v
            } else {
                v2
            };
            if v2 & !wm != 0 {
                self.narrow_warning(
                    path,
                    sys,
                    def,
                    c.index,
                    v2,
                    "never matches a call with clean high bits",
                );
                return Some(Atom::Const(false));
            }
            if v & !wm != 0 {
                self.narrow_warning(
                    path,
                    sys,
                    def,
                    c.index,
                    v,
                    "the mask bits the kernel never reads are dropped",
                );
            }
            let m = v & wm;
            if m == 0 {
                return Some(Atom::Const(true));
            }
            let text = if m == wm {
                format!("{name} == {}", render(v2, def.width))
            } else {
                format!("{name} & {m:#x} == {}", render(v2, def.width))
            };
            return Some(Atom::Test(test(TestOp::Eq(v2), m), text));
        }
        let (op, sym) = match c.op.as_str() {
            "SCMP_CMP_EQ" => (TestOp::Eq as fn(u64) -> TestOp, "=="),
            "SCMP_CMP_NE" => (TestOp::Ne as fn(u64) -> TestOp, "!="),
            "SCMP_CMP_LT" => (TestOp::Lt as fn(u64) -> TestOp, "<"),
            "SCMP_CMP_LE" => (TestOp::Le as fn(u64) -> TestOp, "<="),
            "SCMP_CMP_GT" => (TestOp::Gt as fn(u64) -> TestOp, ">"),
            "SCMP_CMP_GE" => (TestOp::Ge as fn(u64) -> TestOp, ">="),
            other => {
                self.push(
                    Severity::Error,
                    path,
                    format!("unknown comparison `{other}` (runc refuses the profile)"),
                );
                return None;
            }
        };
        if v2 != 0 {
            self.push(
                Severity::Warning,
                path,
                format!("valueTwo {v2} is ignored by {}", c.op),
            );
        }
        if v & !wm == 0 {
            return Some(Atom::Test(
                test(op(v), wm),
                format!("{name} {sym} {}", render(v, def.width)),
            ));
        }
        let bits = def.width.bits();
        let sign_extended = def.signed && bits < 64 && v >= !(wm >> 1);
        if sign_extended {
            let low = v & wm;
            let neg = v as i64;
            self.push(
                Severity::Note,
                path,
                format!(
                    "`{}` argument {} ({} `{}`) compared with {v:#x}: the policy compares the low {bits} bits with {neg}; runc compares all 64 bits, which only a caller that sign-extends the argument passes (glibc and Go do)",
                    sys.name, c.index, def.ty, name
                ),
            );
            return Some(Atom::Test(test(op(low), wm), format!("{name} {sym} {neg}")));
        }
        let always = matches!(c.op.as_str(), "SCMP_CMP_NE" | "SCMP_CMP_LT" | "SCMP_CMP_LE");
        self.narrow_warning(
            path,
            sys,
            def,
            c.index,
            v,
            if always {
                "imported as always true (true for every call with clean high bits)"
            } else {
                "imported as never true (false for every call with clean high bits)"
            },
        );
        Some(Atom::Const(always))
    }

    fn narrow_warning(
        &mut self,
        path: &str,
        sys: &SyscallDef,
        def: &ArgDef,
        index: u32,
        v: u64,
        what: &str,
    ) {
        self.push(
            Severity::Warning,
            path,
            format!(
                "`{}` argument {index} is {} ({} bits): {v:#x} only matters in bits the kernel never reads, so under runc it depends on garbage a caller leaves in the register; {what}",
                sys.name,
                def.ty,
                def.width.bits()
            ),
        );
    }

    /// The condition of an entry on one syscall: `Some(None)` unconditional in the
    /// policy, `Some(Some(..))` a condition, `None` on errors. The bool is false when the
    /// condition can never hold.
    fn condition(
        &mut self,
        path: &str,
        sys: &'static SyscallDef,
        args: &[ArgCmp],
    ) -> Option<CondOut> {
        let mut counts = [0usize; 6];
        for a in args {
            if let Some(c) = counts.get_mut(a.index as usize) {
                *c += 1;
            }
        }
        let or = counts.iter().any(|&c| c > 1);
        let mut atoms = Vec::new();
        let mut failed = false;
        for (i, a) in args.iter().enumerate() {
            match self.atom(&format!("{path}.args[{i}]"), sys, a) {
                Some(atom) => atoms.push(atom),
                None => failed = true,
            }
        }
        if failed {
            return None;
        }
        let lib = (or || atoms.len() == 1).then(|| {
            args.iter()
                .zip(&atoms)
                .map(|(c, a)| LibRule {
                    key: lib_key(c),
                    atom: a.clone(),
                })
                .collect()
        });
        // AND (distinct indexes) or OR (a repeated index: each condition its own rule).
        let mut tests = Vec::new();
        for a in atoms {
            match a {
                // `true` decides an OR, `false` an AND; the other constant is neutral.
                Atom::Const(b) if b == or => return Some((None, b, lib)),
                Atom::Const(_) => {}
                Atom::Test(t, s) => tests.push((t, s)),
            }
        }
        if tests.is_empty() {
            // Every comparison was the neutral constant.
            return Some((None, !or, lib));
        }
        let text = tests
            .iter()
            .map(|(_, s)| s.clone())
            .collect::<Vec<_>>()
            .join(if or { " || " } else { " && " });
        let exprs: Vec<Expr> = tests.into_iter().map(|(t, _)| Expr::Test(t)).collect();
        let expr = if exprs.len() == 1 {
            exprs.into_iter().next().unwrap()
        } else if or {
            Expr::Or(exprs)
        } else {
            Expr::And(exprs)
        };
        Some((Some((expr, text)), true, lib))
    }
}

fn arg_name(def: &ArgDef, index: u32) -> String {
    if def.name.is_empty() {
        format!("arg{index}")
    } else {
        def.name.to_owned()
    }
}

/// A value as the policy writes it: decimal when small, else hex.
fn render(v: u64, w: Width) -> String {
    let _ = w;
    if v < 0x1_0000 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

fn action_text(a: Action) -> String {
    a.to_string()
}

/// Imports a parsed profile.
pub fn import(p: &Profile, opts: &ImportOptions) -> Imported {
    let mut im = Importer {
        opts,
        findings: Vec::new(),
    };
    let arch = opts.arch;
    im.unknown_fields("", &p.unknown);
    let default = match p.default_action.as_deref() {
        Some(a) => im.action(
            "defaultAction",
            a,
            p.default_errno_ret,
            p.default_errno.as_deref(),
        ),
        None => {
            im.push(
                Severity::Error,
                "defaultAction",
                "missing (runc refuses the profile)",
            );
            None
        }
    };
    if default == Some(Action::Notify) {
        im.push(
            Severity::Error,
            "defaultAction",
            "SCMP_ACT_NOTIFY cannot be the default (runc refuses it)",
        );
    }
    if p.default_errno_ret.is_some()
        && !matches!(default, Some(Action::Errno(_) | Action::Trace(_)))
    {
        im.push(
            Severity::Warning,
            "defaultErrnoRet",
            "ignored by runc with this default action (crun refuses it with SCMP_ACT_ALLOW)",
        );
    }

    // Architectures: Docker picks the archMap entry of the native architecture.
    let mut arches: Vec<String> = Vec::new();
    let has_arches = p.architectures.as_ref().is_some_and(|a| !a.is_empty());
    let has_map = p.arch_map.as_ref().is_some_and(|a| !a.is_empty());
    if has_arches && has_map {
        im.push(
            Severity::Error,
            "archMap",
            "both `architectures` and `archMap` are given (Docker refuses the profile)",
        );
    }
    arches.extend(p.architectures.iter().flatten().cloned());
    for (i, m) in p.arch_map.iter().flatten().enumerate() {
        im.unknown_fields(&format!("archMap[{i}]"), &m.unknown);
        if m.architecture == scmp_arch(arch) {
            arches.push(m.architecture.clone());
            arches.extend(m.sub_architectures.iter().flatten().cloned());
        }
    }
    for a in &arches {
        if !SCMP_ARCHES.contains(&a.as_str()) {
            im.push(
                Severity::Error,
                "architectures",
                format!("unknown architecture `{a}` (runc refuses the profile)"),
            );
        }
    }
    let others: Vec<&str> = arches
        .iter()
        .map(String::as_str)
        .filter(|a| *a != scmp_arch(arch) && SCMP_ARCHES.contains(a))
        .collect();
    if !others.is_empty() {
        im.push(
            Severity::Note,
            "architectures",
            format!(
                "calls from {} are filtered by the same rules under runc; the imported policy kills them (it filters {} calls only)",
                others.join(", "),
                arch
            ),
        );
    }
    let mut header = Vec::new();
    for f in p.flags.iter().flatten() {
        if FLAGS.contains(&f.as_str()) {
            header.push(format!(
                "flag {f}: not part of a policy; pass it when installing (seccomp_rt::Filter::installer())"
            ));
            im.push(
                Severity::Note,
                "flags",
                format!("{f} is an install-time flag, not part of the policy"),
            );
        } else {
            im.push(
                Severity::Warning,
                "flags",
                format!("unknown flag `{f}` (runc refuses the profile)"),
            );
        }
    }
    if let Some(l) = &p.listener_path {
        im.push(
            Severity::Warning,
            "listenerPath",
            format!(
                "`{l}` is not expressible: a policy's notify rules go to the listener fd its installer returns"
            ),
        );
        header.push(format!(
            "listenerPath {l}: not expressible; `notify` goes to the installer's listener fd"
        ));
    }
    if p.listener_metadata.is_some() {
        im.push(
            Severity::Warning,
            "listenerMetadata",
            "not expressible (ignored)",
        );
    }

    // Entries.
    let mut entries: Vec<Entry> = Vec::new();
    let mut unknown_names: Vec<String> = Vec::new();
    let mut named_max: Option<u32> = None;
    for (i, r) in p.syscalls.iter().flatten().enumerate() {
        let path = format!("syscalls[{i}]");
        entries.push(import_entry(
            &mut im,
            &path,
            i,
            r,
            default,
            &mut unknown_names,
            &mut named_max,
        ));
    }
    if !unknown_names.is_empty() {
        unknown_names.sort();
        unknown_names.dedup();
        let list: Vec<String> = unknown_names
            .iter()
            .map(|n| {
                let close = arch
                    .syscalls()
                    .iter()
                    .map(|s| s.name)
                    .filter(|c| !c.starts_with(n.as_str()) && !n.starts_with(c))
                    .find(|c| strsim::damerau_levenshtein(n, c) == 1);
                match close {
                    Some(c) => format!("{n} (did you mean `{c}`?)"),
                    None => n.clone(),
                }
            })
            .collect();
        im.push(
            Severity::Note,
            "syscalls",
            format!(
                "not syscalls of x86_64 or aarch64 as of Linux {} (other architectures' names, newer syscalls, or typos; runc ignores names its libseccomp does not know): {}",
                arch.kernel_version(),
                list.join(", ")
            ),
        );
    }
    let ordered = resolve_per_syscall(&mut im, &mut entries);

    let Some(default) = default else {
        return Imported {
            text: None,
            findings: im.findings,
        };
    };
    if im.findings.iter().any(Finding::is_error) {
        return Imported {
            text: None,
            findings: im.findings,
        };
    }

    // runc's ENOSYS stub.
    let mut enosys: Vec<&'static str> = Vec::new();
    let stub_applies = !default.permits() && default != Action::Errno(38);
    if opts.runc_enosys && stub_applies {
        if let Some(max) = named_max {
            let mut above: Vec<&SyscallDef> =
                arch.syscalls().iter().filter(|s| s.nr > max).collect();
            above.sort_by_key(|s| s.nr);
            enosys = above.iter().map(|s| s.name).collect();
        }
    }

    let enosys = (!enosys.is_empty()).then(|| (named_max.unwrap_or(0), enosys));
    let text = render_policy(p, opts, default, &header, &entries, &ordered, enosys);
    Imported {
        text: Some(text),
        findings: im.findings,
    }
}

fn import_entry(
    im: &mut Importer<'_>,
    path: &str,
    index: usize,
    r: &SyscallRule,
    default: Option<Action>,
    unknown_names: &mut Vec<String>,
    named_max: &mut Option<u32>,
) -> Entry {
    let arch = im.opts.arch;
    im.unknown_fields(path, &r.unknown);
    let mut about = Vec::new();
    if let Some(c) = r.comment.as_deref().filter(|c| !c.is_empty()) {
        about.push(c.to_owned());
    }
    for (what, f) in [("includes", &r.includes), ("excludes", &r.excludes)] {
        if let Some(f) = f.as_ref().filter(|f| !f.is_empty()) {
            let mut parts = Vec::new();
            if let Some(c) = f.caps.as_ref().filter(|c| !c.is_empty()) {
                parts.push(format!("caps {}", c.join(", ")));
            }
            if let Some(a) = f.arches.as_ref().filter(|a| !a.is_empty()) {
                parts.push(format!("arches {}", a.join(", ")));
            }
            if let Some(k) = f.min_kernel.as_ref().filter(|k| !k.is_empty()) {
                parts.push(format!("minKernel {k}"));
            }
            about.push(format!("{what} {}", parts.join("; ")));
        }
    }
    let mut entry = Entry {
        index,
        action: None,
        about,
        skipped: None,
        targets: Vec::new(),
        missing: Vec::new(),
    };
    if r.name.is_some() && r.names.as_ref().is_some_and(|n| !n.is_empty()) {
        im.push(
            Severity::Error,
            path,
            "both `name` and `names` are given (Docker refuses the profile)",
        );
    }
    let names = r.all_names();
    if names.is_empty() {
        im.push(Severity::Warning, path, "no syscall names");
    }
    if let Err(why) = im.docker_keeps(path, r.includes.as_ref(), r.excludes.as_ref()) {
        entry.skipped = Some(why);
        return entry;
    }
    let action = im.action(path, &r.action, r.errno_ret, r.errno.as_deref());
    entry.action = action;
    // runc's ENOSYS stub counts every name of the resolved profile.
    for n in &names {
        if let Some(s) = arch.syscall(n) {
            *named_max = Some(named_max.map_or(s.nr, |m| m.max(s.nr)));
        }
    }
    let (Some(action), Some(default)) = (action, default) else {
        return entry;
    };
    if action == default {
        entry.skipped = Some(format!(
            "same action as the default ({action}): runc skips it"
        ));
        return entry;
    }
    let args: Vec<ArgCmp> = r.args.clone().unwrap_or_default();
    for n in names {
        if n.is_empty() {
            im.push(
                Severity::Error,
                path,
                "empty syscall name (runc refuses the profile)",
            );
            continue;
        }
        let Some(sys) = arch.syscall(n) else {
            let other = Arch::ALL.iter().any(|a| a.syscall(n).is_some());
            if !other {
                unknown_names.push(n.to_owned());
            }
            entry.missing.push(n.to_owned());
            continue;
        };
        if action == Action::Notify && n == "write" {
            im.push(
                Severity::Error,
                path,
                "SCMP_ACT_NOTIFY cannot be used for `write` (runc refuses it)",
            );
        }
        if args.is_empty() {
            entry.targets.push(Target::unconditional(sys));
            continue;
        }
        // libseccomp drops a MASKED_EQ with a zero mask: a rule left without comparisons
        // is unconditional (and overrides the conditional ones).
        let no_chain = |c: &ArgCmp| c.op == "SCMP_CMP_MASKED_EQ" && c.value == 0;
        let mut counts = [0usize; 6];
        for a in &args {
            if let Some(n) = counts.get_mut(a.index as usize) {
                *n += 1;
            }
        }
        let split = counts.iter().any(|&n| n > 1);
        let unconditional = if split {
            args.iter().any(no_chain)
        } else {
            args.iter().all(no_chain)
        };
        let Some((cond, possible, lib)) = im.condition(path, sys, &args) else {
            continue;
        };
        if unconditional {
            entry.targets.push(Target::unconditional(sys));
            continue;
        }
        let (cond, text) = match cond {
            Some((e, t)) => (Some(e), Some(t)),
            None => (None, None),
        };
        entry.targets.push(Target {
            sys,
            cond,
            text,
            unconditional: false,
            lib,
            dropped: (!possible).then(|| "its condition never holds".to_owned()),
        });
    }
    entry
}

/// libseccomp's rules per syscall: the first unconditional rule wins; warns about
/// conditional rules of different actions that overlap.
fn resolve_per_syscall(im: &mut Importer<'_>, entries: &mut [Entry]) -> Vec<Ordered> {
    let mut ordered = Vec::new();
    let mut by_nr: BTreeMap<u32, Vec<(usize, usize)>> = BTreeMap::new();
    for (ei, e) in entries.iter().enumerate() {
        if e.skipped.is_some() || e.action.is_none() {
            continue;
        }
        for (ti, t) in e.targets.iter().enumerate() {
            if t.dropped.is_none() {
                by_nr.entry(t.sys.nr).or_default().push((ei, ti));
            }
        }
    }
    for list in by_nr.values() {
        let first_uncond = list
            .iter()
            .copied()
            .find(|&(ei, ti)| entries[ei].targets[ti].unconditional);
        if let Some((ue, ut)) = first_uncond {
            let (u_index, u_action) = (entries[ue].index, entries[ue].action.unwrap());
            for &(ei, ti) in list {
                if (ei, ti) == (ue, ut) {
                    continue;
                }
                let a = entries[ei].action.unwrap();
                let name = entries[ei].targets[ti].sys.name;
                if a != u_action {
                    im.push(
                        Severity::Note,
                        format!("syscalls[{}]", entries[ei].index),
                        format!(
                            "`{name}`: the unconditional rule of syscalls[{u_index}] ({u_action}) overrides this {a} rule (libseccomp keeps only the first unconditional rule of a syscall)"
                        ),
                    );
                }
                entries[ei].targets[ti].dropped = Some(format!(
                    "overridden by the unconditional rule of syscalls[{u_index}]"
                ));
            }
            continue;
        }
        // Conditional rules only: libseccomp decides overlaps of different actions by
        // its rule tree, not by file order.
        let mut overlaps = Vec::new();
        for (k, &(ei, ti)) in list.iter().enumerate() {
            for &(ej, tj) in &list[k + 1..] {
                let (a, b) = (entries[ei].action.unwrap(), entries[ej].action.unwrap());
                if a == b {
                    continue;
                }
                let ra = Region::of_cond(entries[ei].targets[ti].cond.as_ref());
                let rb = Region::of_cond(entries[ej].targets[tj].cond.as_ref());
                let overlap = match (ra, rb) {
                    (Ok(ra), Ok(rb)) => ra.and(&rb).map(|r| !r.is_empty()).unwrap_or(true),
                    _ => true,
                };
                if overlap {
                    overlaps.push((ei, ti, ej, tj, a, b));
                }
            }
        }
        if overlaps.is_empty() {
            continue;
        }
        // When every rule is one comparison, libseccomp's order is known: by argument
        // (highest first), operator, value.
        let name = entries[list[0].0].targets[list[0].1].sys.name;
        let mut rules: Vec<(LibRule, Action, usize)> = Vec::new();
        let mut singles = true;
        for &(ei, ti) in list {
            match &entries[ei].targets[ti].lib {
                Some(l) => rules.extend(
                    l.iter()
                        .map(|r| (r.clone(), entries[ei].action.unwrap(), entries[ei].index)),
                ),
                None => singles = false,
            }
        }
        // libseccomp's first node of a rule is its argument's (highest index first);
        // among comparisons of one argument its order also depends on the operators,
        // values and high/low words: only claim the order when the rules of different
        // actions compare different arguments.
        rules.sort_by_key(|x| std::cmp::Reverse(x.0.key.0));
        let ties = rules.iter().enumerate().any(|(i, x)| {
            rules[i + 1..]
                .iter()
                .any(|y| x.0.key.0 == y.0.key.0 && x.1 != y.1)
        });
        if singles && !ties {
            let mut out = Vec::new();
            for (r, action, index) in rules {
                match r.atom {
                    Atom::Const(false) => {}
                    Atom::Const(true) => out.push((action, None, index)),
                    Atom::Test(t, text) => out.push((action, Some((Expr::Test(t), text)), index)),
                }
            }
            let sources: Vec<String> = list
                .iter()
                .map(|&(ei, _)| format!("syscalls[{}]", entries[ei].index))
                .collect();
            im.push(
                Severity::Note,
                sources.join(", "),
                format!(
                    "`{name}`: rules of different actions overlap; the policy orders them as libseccomp does (highest argument first), not as the profile lists them"
                ),
            );
            for &(ei, ti) in list {
                entries[ei].targets[ti].dropped =
                    Some("ordered as libseccomp orders it, at the top".to_owned());
            }
            ordered.push(Ordered {
                name,
                sources,
                rules: out,
            });
            continue;
        }
        for (ei, ti, ej, tj, a, b) in overlaps {
            let _ = ti;
            im.push(
                Severity::Warning,
                format!("syscalls[{}]", entries[ej].index),
                format!(
                    "`{}`: calls can match both this {b} rule and the {a} rule of syscalls[{}]; libseccomp decides them by its rule tree, not by file order (and may refuse the profile); the policy keeps file order ({a} first)",
                    entries[ej].targets[tj].sys.name,
                    entries[ei].index
                ),
            );
        }
    }
    ordered
}

/// The rules of one syscall in libseccomp's order.
struct Ordered {
    name: &'static str,
    sources: Vec<String>,
    /// Action, condition (`None`: always), entry index.
    rules: Vec<OrderedRule>,
}

type OrderedRule = (Action, Option<(Expr, String)>, usize);

/// A statement to print.
struct Stmt {
    comments: Vec<String>,
    action: Option<Action>,
    targets: Vec<String>,
    trailer: Vec<String>,
    /// For merging: the one syscall of an all-conditional statement.
    merge_key: Option<(Action, &'static str)>,
}

fn render_policy(
    p: &Profile,
    opts: &ImportOptions,
    default: Action,
    header: &[String],
    entries: &[Entry],
    ordered: &[Ordered],
    enosys: Option<(u32, Vec<&str>)>,
) -> String {
    let arch = opts.arch;
    let mut out = String::new();
    let caps = if ["default", "all", "none"].contains(&opts.caps_label.as_str()) {
        opts.caps_label.clone()
    } else {
        opts.caps.join(", ")
    };
    let _ = writeln!(
        out,
        "// Imported by `scc import` from {} for {arch}: capabilities {caps}, kernel {}.{}.",
        opts.source, opts.kernel.0, opts.kernel.1
    );
    let _ = writeln!(
        out,
        "// Each rule says which entry of `syscalls` it comes from. libseccomp compares 64-bit\n\
         // arguments; this policy compares each argument on the bits the kernel reads."
    );
    for h in header {
        let _ = writeln!(out, "// {h}");
    }
    let _ = writeln!(out, "arch {arch};");
    let how = match (p.default_errno_ret, default) {
        (None, Action::Errno(_)) => " // SCMP_ACT_ERRNO without defaultErrnoRet: EPERM",
        _ => "",
    };
    let _ = writeln!(out, "default {};{how}", action_text(default));
    for o in ordered {
        let _ = writeln!(
            out,
            "\n// `{}`: rules of different actions overlap; libseccomp tries them by argument\n// (highest first), not in the order of {}:",
            o.name,
            o.sources.join(", ")
        );
        for (action, cond, index) in &o.rules {
            let target = match cond {
                Some((_, text)) => format!("{}({text})", o.name),
                None => o.name.to_owned(),
            };
            let _ = writeln!(
                out,
                "{} {target}; // syscalls[{index}]",
                action_text(*action)
            );
        }
    }

    let mut stmts: Vec<Stmt> = Vec::new();
    for e in entries {
        let mut comments = vec![format!("syscalls[{}]", e.index)];
        comments.extend(e.about.iter().cloned());
        let mut trailer = Vec::new();
        if let Some(why) = &e.skipped {
            comments.truncate(1);
            comments[0] = format!("syscalls[{}] skipped: {why}", e.index);
            stmts.push(Stmt {
                comments,
                action: None,
                targets: Vec::new(),
                trailer,
                merge_key: None,
            });
            continue;
        }
        let mut targets = Vec::new();
        let mut conditional_only = true;
        let mut single: Option<&'static str> = None;
        let mut many = false;
        for t in &e.targets {
            if let Some(why) = &t.dropped {
                trailer.push(format!("dropped {}: {why}", t.sys.name));
                continue;
            }
            match &t.text {
                Some(c) => targets.push(format!("{}({c})", t.sys.name)),
                None => {
                    conditional_only = false;
                    targets.push(t.sys.name.to_owned());
                }
            }
            match single {
                None => single = Some(t.sys.name),
                Some(s) if s != t.sys.name => many = true,
                _ => {}
            }
        }
        if !e.missing.is_empty() {
            trailer.push(format!("not on {arch}: {}", e.missing.join(", ")));
        }
        let merge_key = match (
            e.action,
            single,
            conditional_only && !many && targets.len() == 1,
        ) {
            (Some(a), Some(s), true) => Some((a, s)),
            _ => None,
        };
        stmts.push(Stmt {
            comments,
            action: if targets.is_empty() { None } else { e.action },
            targets,
            trailer,
            merge_key,
        });
    }
    // Merge runs of entries that each allow one syscall under a condition
    // (`socket(domain < 38)`, `socket(domain == 39)`, ...) into one `||`.
    let mut merged: Vec<(Stmt, Vec<String>)> = Vec::new();
    for s in stmts {
        let alt = |t: &str, name: &str| t[name.len() + 1..t.len() - 1].to_owned();
        if let (Some((last, alts)), Some(key)) = (merged.last_mut(), s.merge_key) {
            if last.merge_key == Some(key)
                && last.trailer.is_empty()
                && s.comments.len() == 1
                && last.comments.len() == 1
            {
                alts.push(alt(&s.targets[0], key.1));
                let start = last.comments[0]
                    .trim_start_matches("syscalls[")
                    .split(['.', ']'])
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let end = s.comments[0]
                    .trim_start_matches("syscalls[")
                    .trim_end_matches(']')
                    .to_owned();
                last.comments[0] = format!("syscalls[{start}..={end}]");
                last.trailer = s.trailer;
                continue;
            }
        }
        let alts = match s.merge_key {
            Some((_, name)) => vec![alt(&s.targets[0], name)],
            None => Vec::new(),
        };
        merged.push((s, alts));
    }
    let merged: Vec<Stmt> = merged
        .into_iter()
        .map(|(mut s, alts)| {
            if let (Some((_, name)), true) = (s.merge_key, alts.len() > 1) {
                let parts: Vec<String> = alts
                    .iter()
                    .map(|a| {
                        if a.contains("&&") {
                            format!("({a})")
                        } else {
                            a.clone()
                        }
                    })
                    .collect();
                s.targets[0] = format!("{name}({})", parts.join(" || "));
            }
            s
        })
        .collect();
    for s in merged {
        out.push('\n');
        for c in &s.comments {
            let _ = writeln!(out, "// {c}");
        }
        if let Some(a) = s.action {
            out.push_str(&wrap_rule(&action_text(a), &s.targets));
        }
        for t in &s.trailer {
            out.push_str(&wrap_comment(t));
        }
    }
    if let Some((named_max, enosys)) = enosys {
        let _ = writeln!(
            out,
            "\n// runc's ENOSYS stub: syscalls numbered above the highest the profile names ({named_max}) fail with ENOSYS."
        );
        let names: Vec<String> = enosys.iter().map(|s| s.to_string()).collect();
        out.push_str(&wrap_rule("errno(ENOSYS)", &names));
    }
    out
}

/// `//   text` wrapped at 90 columns.
fn wrap_comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("//  ");
    for word in text.split(' ') {
        if line.len() + word.len() + 1 > 90 && line.len() > 8 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("//     ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// `action a, b, c;` wrapped at 90 columns.
fn wrap_rule(action: &str, targets: &[String]) -> String {
    let mut out = String::new();
    let mut line = format!("{action} ");
    for (i, t) in targets.iter().enumerate() {
        // A long `||` chain gets one alternative a line.
        let t = &if t.len() > 80 {
            t.replace(" || ", "\n        || ")
        } else {
            t.clone()
        };
        let piece = if i + 1 == targets.len() {
            format!("{t};")
        } else {
            format!("{t},")
        };
        if line.len() + piece.len() + 1 > 90 && line.trim().len() > action.len() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = "    ".to_owned();
        }
        line.push_str(&piece);
        line.push(' ');
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imp(json: &str) -> Imported {
        import_str(json, &ImportOptions::new(Arch::X86_64))
    }

    fn compiled(json: &str) -> crate::Policy {
        let im = imp(json);
        let text = im.text.unwrap_or_else(|| panic!("{:?}", im.findings));
        let out = crate::compile_str("imported.sc", &text);
        assert!(
            !out.has_errors(),
            "{text}\n{}",
            out.render_diagnostics(false)
        );
        out.policy.unwrap()
    }

    fn action(p: &crate::Policy, name: &str, args: [u64; 6]) -> Action {
        let ap = p.arch(Arch::X86_64).unwrap();
        let nr = Arch::X86_64.syscall(name).unwrap().nr;
        crate::evaluate(
            ap,
            &crate::SeccompData::new(Arch::X86_64.audit_arch(), nr, args),
        )
        .action
    }

    #[test]
    fn repeated_index_ors_every_condition_and_distinct_indexes_and() {
        let p = compiled(
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
            {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[
              {"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":0,"value":2,"op":"SCMP_CMP_EQ"},
              {"index":1,"value":5,"op":"SCMP_CMP_EQ"}]},
            {"names":["kill"],"action":"SCMP_ACT_ALLOW","args":[
              {"index":0,"value":0,"op":"SCMP_CMP_EQ"},{"index":1,"value":0,"op":"SCMP_CMP_EQ"}]}]}"#,
        );
        assert_eq!(action(&p, "socket", [2, 0, 0, 0, 0, 0]), Action::Allow);
        assert_eq!(action(&p, "socket", [7, 5, 0, 0, 0, 0]), Action::Allow);
        assert_eq!(action(&p, "socket", [7, 6, 0, 0, 0, 0]), Action::Errno(1));
        assert_eq!(action(&p, "kill", [0, 0, 0, 0, 0, 0]), Action::Allow);
        assert_eq!(action(&p, "kill", [0, 9, 0, 0, 0, 0]), Action::Errno(1));
    }

    #[test]
    fn unconditional_rule_wins_and_default_action_rules_are_skipped() {
        let p = compiled(
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
            {"names":["mkdir"],"action":"SCMP_ACT_ALLOW"},
            {"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
            {"names":["personality"],"action":"SCMP_ACT_ERRNO","errnoRet":22},
            {"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}"#,
        );
        assert_eq!(
            action(&p, "personality", [8, 0, 0, 0, 0, 0]),
            Action::Errno(22)
        );
        assert_eq!(action(&p, "mkdir", [0; 6]), Action::Errno(1));
        assert_eq!(action(&p, "mkdirat", [0; 6]), Action::Errno(1));
    }

    #[test]
    fn runc_enosys_stub_covers_syscalls_above_the_highest_named() {
        let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
            {"names":["read","write","chown32"],"action":"SCMP_ACT_ALLOW"},
            {"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}"#;
        let mut o = ImportOptions::new(Arch::X86_64);
        o.runc_enosys = true;
        let text = import_str(json, &o).text.unwrap();
        let out = crate::compile_str("enosys.sc", &text);
        assert!(!out.has_errors(), "{text}");
        let p = out.policy.unwrap();
        // mkdir (83) is the highest name, though its rule is skipped (same as default).
        assert_eq!(action(&p, "mkdir", [0; 6]), Action::Errno(1));
        assert_eq!(action(&p, "rmdir", [0; 6]), Action::Errno(38));
        assert_eq!(action(&p, "read", [0; 6]), Action::Allow);
        assert_eq!(action(&p, "open", [0; 6]), Action::Errno(1));
        // Not with a default that is already ENOSYS, nor an allowing one.
        let json = json.replace(
            "\"SCMP_ACT_ERRNO\",\"syscalls",
            "\"SCMP_ACT_LOG\",\"syscalls",
        );
        let text = import_str(&json, &o).text.unwrap();
        assert!(!text.contains("ENOSYS"), "{text}");
    }

    #[test]
    fn overlaps_follow_libseccomp_not_file_order() {
        // libseccomp tries the rule on the higher argument first.
        let p = compiled(
            r#"{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[
            {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
            {"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":5,"args":[{"index":1,"value":2,"op":"SCMP_CMP_EQ"}]}]}"#,
        );
        assert_eq!(action(&p, "socket", [1, 2, 0, 0, 0, 0]), Action::Errno(5));
        assert_eq!(action(&p, "socket", [1, 3, 0, 0, 0, 0]), Action::Allow);
        // A MASKED_EQ with a zero mask generates nothing: the rule is unconditional and
        // overrides the conditional one, whatever valueTwo says.
        let p = compiled(
            r#"{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[
            {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
            {"names":["socket"],"action":"SCMP_ACT_ERRNO","args":[{"index":2,"value":0,"valueTwo":7,"op":"SCMP_CMP_MASKED_EQ"}]}]}"#,
        );
        assert_eq!(action(&p, "socket", [1, 0, 0, 0, 0, 0]), Action::Errno(1));
        // Same argument, different actions: no claim, a warning, file order.
        let im = imp(r#"{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[
            {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
            {"names":["socket"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":5,"op":"SCMP_CMP_LE"}]}]}"#);
        assert!(
            im.findings
                .iter()
                .any(|f| f.severity == Severity::Warning && f.message.contains("rule tree")),
            "{:?}",
            im.findings
        );
    }

    #[test]
    fn errno_libseccomp_refuses_is_an_error() {
        let im = imp(
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["syslog"],"action":"SCMP_ACT_ERRNO","errnoRet":12345}]}"#,
        );
        assert!(im.has_errors() && im.text.is_none(), "{:?}", im.findings);
    }

    #[test]
    fn masked_eq_sign_extension_and_high_bits() {
        let im = imp(
            r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[
            {"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ"}]},
            {"names":["openat"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551516,"op":"SCMP_CMP_EQ"}]},
            {"names":["close"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967297,"op":"SCMP_CMP_EQ"}]},
            {"names":["dup"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967297,"op":"SCMP_CMP_LT"}]}]}"#,
        );
        let text = im.text.clone().unwrap();
        assert!(
            text.contains("clone(clone_flags & 0x7e020000 == 0)"),
            "{text}"
        );
        assert!(text.contains("openat(dfd == -100)"), "{text}");
        assert!(
            im.findings
                .iter()
                .any(|f| f.path == "syscalls[2].args[0]" && f.severity == Severity::Warning)
        );
        let p = compiled(&serde_json::to_string(&serde_json::from_str::<Profile>(r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["close"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967297,"op":"SCMP_CMP_EQ"}]},{"names":["dup"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967297,"op":"SCMP_CMP_LT"}]}]}"#).unwrap()).unwrap());
        assert_eq!(action(&p, "close", [1, 0, 0, 0, 0, 0]), Action::Errno(1));
        assert_eq!(action(&p, "dup", [1, 0, 0, 0, 0, 0]), Action::Allow);
    }

    #[test]
    fn includes_and_excludes_follow_caps_arch_and_kernel() {
        let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
            {"names":["reboot"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_BOOT"]}},
            {"names":["chroot"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_SYS_ADMIN"]}},
            {"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64"]}},
            {"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}},
            {"names":["kcmp"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"9.0"}}]}"#;
        let p = compiled(json);
        assert_eq!(action(&p, "reboot", [0; 6]), Action::Errno(1));
        assert_eq!(action(&p, "chroot", [0; 6]), Action::Allow);
        assert_eq!(action(&p, "arch_prctl", [0; 6]), Action::Allow);
        assert_eq!(action(&p, "ptrace", [0; 6]), Action::Allow);
        assert_eq!(action(&p, "kcmp", [0; 6]), Action::Errno(1));
        let mut o = ImportOptions::new(Arch::X86_64);
        o.caps = parse_caps("all").unwrap();
        let text = import_str(json, &o).text.unwrap();
        assert!(text.contains("allow reboot;"), "{text}");
        assert!(
            text.contains("syscalls[1] skipped: excluded with CAP_SYS_ADMIN"),
            "{text}"
        );
    }

    #[test]
    fn bad_profiles_give_findings_not_panics() {
        for json in [
            "",
            "[]",
            r#"{"syscalls":[]}"#,
            r#"{"defaultAction":"SCMP_ACT_NOPE"}"#,
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":9,"value":0,"op":"SCMP_CMP_EQ"}]}]}"#,
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO","args":[{"index":2,"value":0,"op":"SCMP_CMP_EQ"}]}]}"#,
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":0,"op":"SCMP_CMP_LIKE"}]}]}"#,
        ] {
            let im = imp(json);
            assert!(im.has_errors(), "{json}: {:?}", im.findings);
            assert!(im.text.is_none());
        }
        let im = imp(
            r#"{"defaultAction":"SCMP_ACT_ALLOW","bogus":1,"syscalls":[{"names":["opnat","chown32"],"action":"SCMP_ACT_ERRNO","extra":true}]}"#,
        );
        assert!(!im.has_errors(), "{:?}", im.findings);
        assert!(im.findings.iter().any(|f| f.message.contains("`bogus`")));
        assert!(
            im.findings
                .iter()
                .any(|f| f.path == "syscalls[0]" && f.message.contains("`extra`"))
        );
        assert!(
            im.findings
                .iter()
                .any(|f| f.message.contains("opnat (did you mean `openat`?)"))
        );
    }
}
