//! What `scc trace` records, and the policy it writes from it.
//!
//! A [`Recording`] counts the calls a program made, per architecture and syscall, and for
//! the enum-like arguments of a few syscalls ([`args::enum_args`]: socket domain and type,
//! `fcntl`/`ioctl` commands, `prctl` options, `clone` flags, `PROT_EXEC`, the open access
//! mode) the set of values seen. [`write_policy`] turns it into a grouped, sorted,
//! commented allowlist; [`read_policy`] reads such a policy back so recordings of several
//! runs can be merged ([`Recording::merge`]); [`write_oci`] writes the OCI runtime-spec
//! `linux.seccomp` JSON; [`summary`] an `strace -c`-style table. Nothing here does I/O:
//! the supervisor that receives the calls lives in the `scc` binary.

pub mod args;
pub mod container;
mod write;

use std::collections::{BTreeMap, BTreeSet};

use seccomp_dsl::policy::{Action, Expr, Policy, TestOp};
use seccomp_dsl::source::SourceMap;
use seccomp_dsl::tables::Arch;

pub use write::{summary, write_oci, write_policy};

/// Syscalls every process needs to exit and to return from signal handlers. The policy
/// always allows them; the tracer lets them through without asking (see `scc trace`).
pub const ESSENTIAL: [&str; 3] = ["exit_group", "rt_sigreturn", "restart_syscall"];

/// Whether arguments are recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgMode {
    /// Syscalls only: every rule is unconditioned.
    None,
    /// Enum-like arguments become conditions with constant names.
    Enums,
}

/// The values seen for one enum argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values {
    /// Not constrained (arguments not recorded, or a merged policy's rule had no
    /// condition on it).
    Any,
    /// Exactly these values (masked to the recorded bits).
    Set(BTreeSet<u64>),
}

impl Values {
    fn union(&mut self, other: &Values) {
        match (&mut *self, other) {
            (Values::Set(a), Values::Set(b)) => a.extend(b.iter().copied()),
            _ => *self = Values::Any,
        }
    }
}

/// One syscall as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// How many times it was seen.
    pub count: u64,
    /// One entry per [`args::enum_args`] of the syscall, in that order.
    pub args: Vec<Values>,
}

/// The calls of one architecture, by syscall name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchRecording {
    pub calls: BTreeMap<&'static str, Call>,
    /// Numbers the tables do not know (a kernel newer than the tables), with counts.
    pub unknown: BTreeMap<u32, u64>,
}

/// Everything seen while tracing one or more runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    pub arches: BTreeMap<Arch, ArchRecording>,
    /// Calls from ABIs the language has no tables for (`AUDIT_ARCH_I386` from `int 0x80`),
    /// counted by `seccomp_data.arch`.
    pub foreign: BTreeMap<u32, u64>,
    /// x32 calls (x86_64's audit arch with `nr >= 0x4000_0000`).
    pub foreign_x32: u64,
    /// The commands traced, as typed.
    pub commands: Vec<String>,
    /// The default action's text (`kill`, `errno(ENOSYS)`), if one was chosen.
    pub default: Option<String>,
}

impl Recording {
    /// Records one call as the kernel reported it (`seccomp_data`).
    pub fn record(&mut self, audit_arch: u32, nr: u32, raw: &[u64; 6], mode: ArgMode) {
        let Some(arch) = Arch::ALL.into_iter().find(|a| a.audit_arch() == audit_arch) else {
            *self.foreign.entry(audit_arch).or_default() += 1;
            return;
        };
        if arch.x32_bit().is_some_and(|bit| nr >= bit) {
            self.foreign_x32 += 1;
            return;
        }
        let rec = self.arches.entry(arch).or_default();
        let Some(def) = by_nr(arch, nr) else {
            *rec.unknown.entry(nr).or_default() += 1;
            return;
        };
        let enum_args = args::enum_args(def.name);
        let call = rec.calls.entry(def.name).or_insert_with(|| Call {
            count: 0,
            args: enum_args
                .iter()
                .map(|_| match mode {
                    ArgMode::None => Values::Any,
                    ArgMode::Enums => Values::Set(BTreeSet::new()),
                })
                .collect(),
        });
        call.count += 1;
        for (slot, a) in call.args.iter_mut().zip(enum_args) {
            match (slot, args::resolve(arch, def, a)) {
                (Values::Set(set), Some(r)) => {
                    set.insert(raw[r.index] & r.mask);
                }
                (slot, None) => *slot = Values::Any,
                (Values::Any, _) => {}
            }
        }
    }

    /// Adds another recording: calls are united, counts added, value sets merged.
    pub fn merge(&mut self, other: &Recording) {
        for (arch, o) in &other.arches {
            let rec = self.arches.entry(*arch).or_default();
            for (name, call) in &o.calls {
                match rec.calls.get_mut(name) {
                    None => {
                        rec.calls.insert(name, call.clone());
                    }
                    Some(mine) => {
                        mine.count += call.count;
                        for (a, b) in mine.args.iter_mut().zip(&call.args) {
                            a.union(b);
                        }
                    }
                }
            }
            for (nr, n) in &o.unknown {
                *rec.unknown.entry(*nr).or_default() += n;
            }
        }
        for (a, n) in &other.foreign {
            *self.foreign.entry(*a).or_default() += n;
        }
        self.foreign_x32 += other.foreign_x32;
        for c in &other.commands {
            if !self.commands.contains(c) {
                self.commands.push(c.clone());
            }
        }
        if self.default.is_none() {
            self.default.clone_from(&other.default);
        }
    }

    /// Total number of calls recorded (of known syscalls).
    pub fn total(&self) -> u64 {
        self.arches
            .values()
            .flat_map(|r| r.calls.values())
            .map(|c| c.count)
            .sum()
    }
}

/// `Arch::syscall_by_nr` is a linear search; the tracer looks up every call.
fn by_nr(arch: Arch, nr: u32) -> Option<&'static seccomp_dsl::tables::SyscallDef> {
    use std::sync::OnceLock;
    type Index = Vec<Option<&'static seccomp_dsl::tables::SyscallDef>>;
    static INDEX: [OnceLock<Index>; Arch::ALL.len()] = [OnceLock::new(), OnceLock::new()];
    let slot = Arch::ALL.iter().position(|a| *a == arch)?;
    let index = INDEX[slot].get_or_init(|| {
        let mut v = vec![None; arch.max_nr() as usize + 1];
        for s in arch.syscalls() {
            v[s.nr as usize] = Some(s);
        }
        v
    });
    index.get(nr as usize).copied().flatten()
}

/// Reads a policy written by [`write_policy`] (or any allowlist whose `allow` rules have
/// no conditions or conditions of the shape it writes) back into a recording: its rules,
/// the counts in the rules' trailing `// N calls` comments, the traced commands from the
/// header, and the default action.
pub fn read_policy(policy: &Policy, sources: &SourceMap) -> Result<Recording, String> {
    let mut rec = Recording::default();
    for ap in &policy.arches {
        let arch = ap.arch;
        let text = sources.snippet(ap.default_span).trim();
        let default = text
            .strip_prefix("default")
            .and_then(|t| t.trim().strip_suffix(';'))
            .map(|t| t.trim().to_owned());
        if rec.default.is_none() {
            rec.default = default;
        }
        let ar = rec.arches.entry(arch).or_default();
        for rule in &ap.rules {
            let name = rule.syscall.name;
            let enum_args = args::enum_args(name);
            let loc = || {
                let file = sources.file(rule.origin.stmt.file);
                let (line, _) = file.line_col(rule.origin.stmt.start as usize);
                format!("{}:{line}", file.name)
            };
            if rule.action != Action::Allow {
                return Err(format!(
                    "{}: only `allow` rules can be merged, not `{}`",
                    loc(),
                    rule.action
                ));
            }
            let any: Vec<Values> = enum_args.iter().map(|_| Values::Any).collect();
            // A JSON profile's entries of one syscall import as `||` of them: each one's
            // values are united per argument, as several rules' are below.
            let alternatives = match &rule.cond {
                Some(Expr::Or(alts)) => alts.iter().collect(),
                Some(cond) => vec![cond],
                None => Vec::new(),
            };
            let mut alts: Vec<Vec<Values>> = Vec::new();
            for &cond in &alternatives {
                let tests = match cond {
                    Expr::Test(_) => vec![cond],
                    Expr::And(v) => v.iter().collect(),
                    _ => return Err(format!("{}: `{name}`: cannot merge this condition", loc())),
                };
                let mut alt = any.clone();
                for t in tests {
                    let Expr::Test(t) = t else {
                        return Err(format!("{}: `{name}`: cannot merge this condition", loc()));
                    };
                    let slot = enum_args.iter().position(|a| {
                        args::resolve(arch, rule.syscall, a)
                            .is_some_and(|r| r.index == usize::from(t.arg) && r.mask == t.mask)
                    });
                    let set: BTreeSet<u64> = match &t.op {
                        TestOp::Eq(v) => [*v].into(),
                        TestOp::In(vs) => vs.iter().copied().collect(),
                        _ => BTreeSet::new(),
                    };
                    match slot {
                        Some(i) if !set.is_empty() => alt[i] = Values::Set(set),
                        _ => {
                            return Err(format!(
                                "{}: `{name}`: cannot merge a condition on argument {} that `scc trace` does not record",
                                loc(),
                                t.arg
                            ));
                        }
                    }
                }
                alts.push(alt);
            }
            let values = match alts.split_first() {
                None => any,
                Some((first, rest)) => {
                    let mut united = first.clone();
                    for alt in rest {
                        for (a, b) in united.iter_mut().zip(alt) {
                            a.union(b);
                        }
                    }
                    if !is_product(&alts, &united) {
                        return Err(format!(
                            "{}: `{name}`: cannot merge a condition that is not one set of values per argument",
                            loc()
                        ));
                    }
                    united
                }
            };
            let count = trailing_count(sources, rule.origin.stmt);
            let call = Call {
                count,
                args: values,
            };
            match ar.calls.get_mut(name) {
                None => {
                    ar.calls.insert(name, call);
                }
                Some(mine) => {
                    // Several rules of one syscall: their conditions are united.
                    mine.count += call.count;
                    for (a, b) in mine.args.iter_mut().zip(&call.args) {
                        a.union(b);
                    }
                }
            }
        }
    }
    for line in sources.file(seccomp_dsl::source::FileId::ROOT).text.lines() {
        if let Some(cmd) = line.strip_prefix(write::COMMAND_PREFIX) {
            rec.commands.push(cmd.to_owned());
        }
    }
    Ok(rec)
}

/// Whether the alternatives (each a set of values per argument) allow exactly the
/// combinations `united` (their union per argument) does: then uniting them per argument,
/// as a recording does, allows nothing more.
fn is_product(alts: &[Vec<Values>], united: &[Values]) -> bool {
    let mut points: BTreeSet<Vec<u64>> = BTreeSet::new();
    for alt in alts {
        let mut partial: Vec<Vec<u64>> = vec![Vec::new()];
        for (v, u) in alt.iter().zip(united) {
            match (v, u) {
                (Values::Any, Values::Any) => {}
                (Values::Set(set), Values::Set(_)) => {
                    partial = partial
                        .iter()
                        .flat_map(|p| set.iter().map(move |x| [p.as_slice(), &[*x]].concat()))
                        .collect();
                }
                _ => return false,
            }
        }
        points.extend(partial);
    }
    let product: usize = united
        .iter()
        .map(|u| match u {
            Values::Set(s) => s.len(),
            Values::Any => 1,
        })
        .product();
    points.len() == product
}

/// The number in a `// N calls` comment at the end of the statement's last line.
fn trailing_count(sources: &SourceMap, stmt: seccomp_dsl::source::Span) -> u64 {
    let file = sources.file(stmt.file);
    let (line, _) = file.line_col(stmt.end.saturating_sub(1) as usize);
    let text = file.line(line);
    text.rsplit_once("//")
        .and_then(|(_, c)| c.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_dsl::{SeccompData, compile_str, evaluate};

    const A: Arch = Arch::X86_64;

    fn c(name: &str) -> u64 {
        A.constant(name).unwrap() as u64
    }

    fn nr(name: &str) -> u32 {
        A.syscall(name).unwrap().nr
    }

    fn call(rec: &mut Recording, name: &str, args: [u64; 6]) {
        rec.record(A.audit_arch(), nr(name), &args, ArgMode::Enums);
    }

    /// Calls as a program makes them, with garbage in arguments that are not recorded.
    fn workload() -> Recording {
        let mut rec = Recording::default();
        for _ in 0..3 {
            call(&mut rec, "read", [3, 0x7fff_1234, 4096, 0, 0, 0]);
        }
        call(
            &mut rec,
            "socket",
            [
                c("AF_INET"),
                c("SOCK_STREAM") | c("SOCK_CLOEXEC"),
                6,
                0,
                0,
                0,
            ],
        );
        call(
            &mut rec,
            "socket",
            [c("AF_UNIX"), c("SOCK_DGRAM"), 0, 0, 0, 0],
        );
        call(&mut rec, "fcntl", [5, c("F_GETFL"), 0, 0, 0, 0]);
        call(
            &mut rec,
            "openat",
            [
                c("AT_FDCWD") & 0xffff_ffff,
                0x5555_0000,
                c("O_WRONLY") | c("O_CREAT"),
                0o644,
                0,
                0,
            ],
        );
        call(
            &mut rec,
            "mmap",
            [0, 4096, c("PROT_READ") | c("PROT_EXEC"), 2, 3, 0],
        );
        call(
            &mut rec,
            "mmap",
            [0, 4096, c("PROT_READ"), 0x22, u64::MAX, 0],
        );
        call(
            &mut rec,
            "mprotect",
            [0x1000, 4096, c("PROT_READ"), 0, 0, 0],
        );
        let fork = c("CLONE_CHILD_SETTID") | c("CLONE_CHILD_CLEARTID") | c("SIGCHLD");
        call(&mut rec, "clone", [fork, 0, 0, 0x7000, 0, 0]);
        rec.record(0x4000_0003, 1, &[0; 6], ArgMode::Enums);
        rec.commands.push("prog --flag".into());
        rec
    }

    fn permits(policy: &seccomp_dsl::Policy, name: &str, args: [u64; 6]) -> bool {
        let ap = policy.arch(A).unwrap();
        evaluate(ap, &SeccompData::new(A.audit_arch(), nr(name), args))
            .action
            .permits()
    }

    #[test]
    fn the_policy_allows_what_was_recorded_and_not_more() {
        let rec = workload();
        let text = write_policy(&rec, "kill");
        let out = compile_str("traced.sc", &text);
        assert!(
            !out.has_errors(),
            "{}\n{text}",
            out.render_diagnostics(false)
        );
        let policy = out.policy.as_ref().unwrap();
        let lints = seccomp_dsl::lint::lint(policy);
        assert!(lints.iter().all(|d| !d.is_error()), "{lints:?}");
        assert!(
            !lints
                .iter()
                .any(|d| d.code == seccomp_dsl::Code::MissingEssential),
            "{lints:?}"
        );
        assert!(text.contains("socket(domain in {AF_INET, AF_UNIX} && type in {SOCK_CLOEXEC | SOCK_STREAM, SOCK_DGRAM})"), "{text}");
        assert!(
            text.contains("allow read;") && text.contains("// 3 calls"),
            "{text}"
        );
        assert!(text.contains("fcntl(cmd == F_GETFL)"), "{text}");
        assert!(
            text.contains("openat(flags & O_ACCMODE == O_WRONLY)"),
            "{text}"
        );
        assert!(
            text.contains("allow mmap;"),
            "both PROT_EXEC values seen: {text}"
        );
        assert!(text.contains("mprotect(prot & PROT_EXEC == 0)"), "{text}");
        assert!(
            text.contains(
                "clone(clone_flags == CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD)"
            ),
            "{text}"
        );
        assert!(
            text.contains("another ABI (audit arch 0x40000003)"),
            "{text}"
        );
        assert!(text.contains("//   $ prog --flag"), "{text}");
        // Grouped under the built-in groups, sorted inside each.
        let basic = text.find("// @basic_io").unwrap();
        let memory = text.find("// @memory").unwrap();
        assert!(basic < text.find("allow read;").unwrap());
        assert!(text.find("allow mmap;").unwrap() > memory);
        assert!(text.find("allow mmap;").unwrap() < text.find("allow mprotect").unwrap());

        let fork = c("CLONE_CHILD_SETTID") | c("CLONE_CHILD_CLEARTID") | c("SIGCHLD");
        for (name, args) in [
            ("read", [0, 0, 0, 0, 0, 0]),
            ("exit_group", [0; 6]),
            ("rt_sigreturn", [0; 6]),
            ("restart_syscall", [0; 6]),
            (
                "socket",
                [
                    c("AF_INET"),
                    c("SOCK_STREAM") | c("SOCK_CLOEXEC"),
                    0,
                    0,
                    0,
                    0,
                ],
            ),
            (
                "socket",
                [c("AF_UNIX") | 0xdead_0000_0000, c("SOCK_DGRAM"), 0, 0, 0, 0],
            ),
            ("fcntl", [9, c("F_GETFL"), 1, 0, 0, 0]),
            ("openat", [0, 0, c("O_WRONLY") | c("O_TRUNC"), 0, 0, 0]),
            ("mmap", [0, 0, c("PROT_EXEC"), 0, 0, 0]),
            (
                "mprotect",
                [0, 0, c("PROT_READ") | c("PROT_WRITE"), 0, 0, 0],
            ),
            ("clone", [fork, 1, 2, 3, 4, 5]),
        ] {
            assert!(permits(policy, name, args), "{name} {args:x?}");
        }
        for (name, args) in [
            ("write", [1, 0, 0, 0, 0, 0]),
            ("socket", [c("AF_NETLINK"), c("SOCK_DGRAM"), 0, 0, 0, 0]),
            ("socket", [c("AF_INET"), c("SOCK_RAW"), 0, 0, 0, 0]),
            ("fcntl", [5, c("F_SETFL"), 0, 0, 0, 0]),
            ("openat", [0, 0, c("O_RDWR"), 0, 0, 0]),
            ("mprotect", [0, 0, c("PROT_READ") | c("PROT_EXEC"), 0, 0, 0]),
            ("clone", [fork | c("CLONE_NEWUSER"), 0, 0, 0, 0, 0]),
            ("execve", [0; 6]),
        ] {
            assert!(!permits(policy, name, args), "{name} {args:x?}");
        }
    }

    #[test]
    fn a_written_policy_reads_back_to_the_same_recording() {
        let rec = workload();
        let text = write_policy(&rec, "errno(ENOSYS)");
        let out = compile_str("traced.sc", &text);
        let back = read_policy(out.policy.as_ref().unwrap(), &out.sources).unwrap();
        assert_eq!(back.default.as_deref(), Some("errno(ENOSYS)"));
        assert_eq!(back.commands, rec.commands);
        let (mine, theirs) = (&rec.arches[&A], &back.arches[&A]);
        for (name, call) in &mine.calls {
            let b = &theirs.calls[name];
            assert_eq!(b.count, call.count, "{name}");
            if *name != "mmap" {
                assert_eq!(b.args, call.args, "{name}");
            }
        }
        // The essentials are in the policy without counts.
        assert_eq!(theirs.calls["exit_group"].count, 0);
        // Writing it again gives the same rules.
        let again = write_policy(&back, "errno(ENOSYS)");
        let rules = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.starts_with("allow"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(rules(&again), rules(&text));
    }

    #[test]
    fn merging_unites_calls_values_and_counts() {
        let mut a = workload();
        let mut b = Recording::default();
        call(
            &mut b,
            "socket",
            [
                c("AF_INET6"),
                c("SOCK_STREAM") | c("SOCK_CLOEXEC"),
                0,
                0,
                0,
                0,
            ],
        );
        call(&mut b, "read", [0; 6]);
        call(&mut b, "getpid", [0; 6]);
        call(&mut b, "fcntl", [5, c("F_SETFD"), 0, 0, 0, 0]);
        b.commands.push("other".into());
        a.merge(&b);
        let r = &a.arches[&A];
        assert_eq!(r.calls["read"].count, 4);
        assert_eq!(r.calls["getpid"].count, 1);
        assert_eq!(
            r.calls["socket"].args[0],
            Values::Set([c("AF_INET"), c("AF_UNIX"), c("AF_INET6")].into())
        );
        assert_eq!(a.commands, ["prog --flag", "other"]);
        let text = write_policy(&a, "kill");
        assert!(text.contains("fcntl(cmd in {F_GETFL, F_SETFD})"), "{text}");
        assert!(
            text.contains("domain in {AF_INET, AF_INET6, AF_UNIX}"),
            "{text}"
        );
        // An unconditioned rule absorbs conditions.
        let out = compile_str("x.sc", "default kill; allow fcntl;");
        let open = read_policy(out.policy.as_ref().unwrap(), &out.sources).unwrap();
        a.merge(&open);
        assert!(write_policy(&a, "kill").contains("allow fcntl;"));
    }

    #[test]
    fn args_none_writes_no_conditions_and_clone3_opens_clone() {
        let mut rec = Recording::default();
        rec.record(
            A.audit_arch(),
            nr("socket"),
            &[2, 1, 0, 0, 0, 0],
            ArgMode::None,
        );
        let text = write_policy(&rec, "kill");
        assert!(text.contains("allow socket;"), "{text}");
        let mut rec = workload();
        call(&mut rec, "clone3", [0x7000, 88, 0, 0, 0, 0]);
        let text = write_policy(&rec, "kill");
        assert!(text.contains("allow clone;"), "{text}");
        let out = compile_str("x.sc", &text);
        assert!(
            !seccomp_dsl::lint::lint(out.policy.as_ref().unwrap())
                .iter()
                .any(|d| d.code == seccomp_dsl::Code::Clone3Unfiltered)
        );
    }

    #[test]
    fn alternatives_of_one_set_per_argument_merge() {
        // As `scc import` reads the one-entry-per-combination JSON `write_oci` writes.
        let src = "default kill; allow socket(domain == AF_UNIX && type == SOCK_STREAM || domain == AF_UNIX && type == SOCK_DGRAM || domain == AF_INET && type == SOCK_STREAM || domain == AF_INET && type == SOCK_DGRAM);";
        let out = compile_str("x.sc", src);
        let rec = read_policy(out.policy.as_ref().unwrap(), &out.sources).unwrap();
        let socket = &rec.arches[&A].calls["socket"];
        assert_eq!(
            socket.args[0],
            Values::Set([c("AF_UNIX"), c("AF_INET")].into())
        );
        assert_eq!(
            socket.args[1],
            Values::Set([c("SOCK_STREAM"), c("SOCK_DGRAM")].into())
        );
    }

    #[test]
    fn merge_refuses_rules_it_cannot_represent() {
        for src in [
            "default kill; errno(EPERM) mkdir;",
            "default kill; allow write(fd == 1);",
            "default kill; allow socket(domain == AF_UNIX || type == SOCK_STREAM);",
            "default kill; allow socket(domain == AF_UNIX && type == SOCK_STREAM || domain == AF_INET && type == SOCK_DGRAM);",
        ] {
            let out = compile_str("x.sc", src);
            assert!(
                read_policy(out.policy.as_ref().unwrap(), &out.sources).is_err(),
                "{src}"
            );
        }
    }

    #[test]
    fn oci_output_is_the_runtime_spec_shape() {
        let rec = workload();
        let json = write_oci(&rec, Action::Errno(38)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["defaultAction"], "SCMP_ACT_ERRNO");
        assert_eq!(v["defaultErrnoRet"], 38);
        assert_eq!(v["architectures"][0], "SCMP_ARCH_X86_64");
        let entries = v["syscalls"].as_array().unwrap();
        let plain = entries[0]["names"].as_array().unwrap();
        assert!(plain.iter().any(|n| n == "read") && plain.iter().any(|n| n == "exit_group"));
        // socket: 2 domains x 2 types, each compared on the low 32 bits.
        let sockets: Vec<_> = entries
            .iter()
            .filter(|e| e["names"][0] == "socket")
            .collect();
        assert_eq!(sockets.len(), 4);
        assert_eq!(sockets[0]["args"][0]["op"], "SCMP_CMP_MASKED_EQ");
        assert_eq!(sockets[0]["args"][0]["value"], 0xffff_ffffu64);
        // clone_flags too: the kernel reads only `lower_32_bits(clone_flags)`.
        let clone = entries.iter().find(|e| e["names"][0] == "clone").unwrap();
        assert_eq!(clone["args"][0]["op"], "SCMP_CMP_MASKED_EQ");
        assert_eq!(clone["args"][0]["value"], 0xffff_ffffu64);
    }

    #[test]
    fn summary_counts_like_strace_c() {
        let s = summary(&workload());
        let first = s.lines().nth(2).unwrap();
        assert!(first.ends_with(" read") && first.contains(" 3 "), "{s}");
        assert!(s.lines().last().unwrap().contains("total"), "{s}");
    }
}
