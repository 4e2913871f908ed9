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
mod write;

use std::collections::{BTreeMap, BTreeSet};

use crate::policy::{Action, Expr, Policy, TestOp};
use crate::source::SourceMap;
use crate::tables::Arch;

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
    /// Calls from ABIs the language has no tables for (`AUDIT_ARCH_I386` from `int 0x80`,
    /// x32), by `seccomp_data.arch` (x32 as the x86_64 value with bit 30 in the number
    /// folded into `foreign_x32`).
    pub foreign: BTreeMap<u32, u64>,
    /// x32 calls (`nr >= 0x4000_0000` on x86_64).
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
        let Some(def) = arch.syscall_by_nr(nr) else {
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
            let mut values: Vec<Values> = enum_args.iter().map(|_| Values::Any).collect();
            if let Some(cond) = &rule.cond {
                let tests = match cond {
                    Expr::Test(_) => vec![cond],
                    Expr::And(v) => v.iter().collect(),
                    _ => return Err(format!("{}: `{name}`: cannot merge this condition", loc())),
                };
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
                        Some(i) if !set.is_empty() => values[i] = Values::Set(set),
                        _ => {
                            return Err(format!(
                                "{}: `{name}`: cannot merge a condition on argument {} that `scc trace` does not record",
                                loc(),
                                t.arg
                            ));
                        }
                    }
                }
            }
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
    for line in sources.file(crate::source::FileId::ROOT).text.lines() {
        if let Some(cmd) = line.strip_prefix(write::COMMAND_PREFIX) {
            rec.commands.push(cmd.to_owned());
        }
    }
    Ok(rec)
}

/// The number in a `// N calls` comment at the end of the statement's last line.
fn trailing_count(sources: &SourceMap, stmt: crate::source::Span) -> u64 {
    let file = sources.file(stmt.file);
    let (line, _) = file.line_col(stmt.end.saturating_sub(1) as usize);
    let text = file.line(line);
    text.rsplit_once("//")
        .and_then(|(_, c)| c.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
