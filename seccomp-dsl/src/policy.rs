//! The checked policy: names resolved, includes spliced, groups expanded, values evaluated
//! and range-checked, one [`ArchPolicy`] per target architecture.
//!
//! This is the meaning of a policy. [`crate::eval`] evaluates it directly; the code
//! generator compiles it; the two are compared in the differential tests.

use std::fmt;

pub use crate::ast::CmpOp;
use crate::source::Span;
use crate::tables::{Arch, SyscallDef, Width};

/// What the kernel does with a syscall (the `SECCOMP_RET_*` actions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Kill the whole process as if by an uncatchable SIGSYS (`SECCOMP_RET_KILL_PROCESS`).
    KillProcess,
    /// Kill only the calling thread (`SECCOMP_RET_KILL_THREAD`).
    KillThread,
    /// Send a catchable SIGSYS (`SECCOMP_RET_TRAP`).
    Trap,
    /// Fail the call with this errno, 0..=4095 (`SECCOMP_RET_ERRNO`).
    Errno(u16),
    /// Notify a ptrace tracer with this value (`SECCOMP_RET_TRACE`).
    Trace(u16),
    /// Allow and log (`SECCOMP_RET_LOG`).
    Log,
    /// Allow (`SECCOMP_RET_ALLOW`).
    Allow,
    /// Ask the user-notification listener (`SECCOMP_RET_USER_NOTIF`).
    Notify,
}

/// `SECCOMP_RET_*` values (include/uapi/linux/seccomp.h), from the BPF layer.
pub use crate::bpf::ret;

impl Action {
    /// The 32-bit value a `ret` instruction returns for this action.
    pub const fn ret(self) -> u32 {
        match self {
            Action::KillProcess => ret::KILL_PROCESS,
            Action::KillThread => ret::KILL_THREAD,
            Action::Trap => ret::TRAP,
            Action::Errno(e) => ret::ERRNO | e as u32,
            Action::Trace(d) => ret::TRACE | d as u32,
            Action::Log => ret::LOG,
            Action::Allow => ret::ALLOW,
            Action::Notify => ret::USER_NOTIF,
        }
    }

    /// Decodes a filter's return value the way the kernel does (unknown actions kill the
    /// process; errno data is clamped to 4095 as the kernel does).
    pub fn from_ret(v: u32) -> Action {
        let data = (v & ret::DATA) as u16;
        match v & ret::ACTION_FULL {
            ret::KILL_PROCESS => Action::KillProcess,
            ret::KILL_THREAD => Action::KillThread,
            ret::TRAP => Action::Trap,
            ret::ERRNO => Action::Errno(data.min(4095)),
            ret::TRACE => Action::Trace(data),
            ret::LOG => Action::Log,
            ret::ALLOW => Action::Allow,
            ret::USER_NOTIF => Action::Notify,
            _ => Action::KillProcess,
        }
    }

    /// Whether the call goes ahead (possibly logged).
    pub fn permits(self) -> bool {
        matches!(self, Action::Allow | Action::Log)
    }

    /// The action as a policy would spell it: `kill` for kill_process, otherwise as
    /// displayed (`errno(EACCES)`, the number only when it has no name).
    pub fn to_source(self) -> String {
        match self {
            Action::KillProcess => "kill".to_owned(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::KillProcess => f.write_str("kill_process"),
            Action::KillThread => f.write_str("kill_thread"),
            Action::Trap => f.write_str("trap"),
            Action::Errno(e) => match crate::tables::errno_name(*e) {
                Some(name) => write!(f, "errno({name})"),
                None => write!(f, "errno({e})"),
            },
            Action::Trace(d) => write!(f, "trace({d})"),
            Action::Log => f.write_str("log"),
            Action::Allow => f.write_str("allow"),
            Action::Notify => f.write_str("notify"),
        }
    }
}

/// One comparison of an argument: `(arg & mask) op value`, unsigned, where `mask` already
/// includes the argument's width (the kernel reads only those bits) and `value` has been
/// truncated to the width after a range check.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Test {
    /// Argument index 0..=5.
    pub arg: u8,
    pub width: Width,
    pub mask: u64,
    pub op: TestOp,
    pub span: Span,
}

/// The comparison of a [`Test`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TestOp {
    Eq(u64),
    Ne(u64),
    Lt(u64),
    Le(u64),
    Gt(u64),
    Ge(u64),
    /// Member of a set (sorted, no duplicates).
    In(Vec<u64>),
}

impl Test {
    /// Evaluates the test on a raw 64-bit argument register.
    pub fn eval(&self, raw: u64) -> bool {
        let x = raw & self.mask;
        match &self.op {
            TestOp::Eq(v) => x == *v,
            TestOp::Ne(v) => x != *v,
            TestOp::Lt(v) => x < *v,
            TestOp::Le(v) => x <= *v,
            TestOp::Gt(v) => x > *v,
            TestOp::Ge(v) => x >= *v,
            TestOp::In(vs) => vs.binary_search(&x).is_ok(),
        }
    }

    /// The constants this test compares with (for boundary-value testing).
    pub fn values(&self) -> Vec<u64> {
        match &self.op {
            TestOp::Eq(v)
            | TestOp::Ne(v)
            | TestOp::Lt(v)
            | TestOp::Le(v)
            | TestOp::Gt(v)
            | TestOp::Ge(v) => {
                vec![*v]
            }
            TestOp::In(vs) => vs.clone(),
        }
    }
}

/// A condition on the arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Expr {
    Test(Test),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    /// A constant (after simplification, or for an empty `in {}`).
    Const(bool),
}

impl Expr {
    /// Evaluates the condition on the six raw argument registers.
    pub fn eval(&self, args: &[u64; 6]) -> bool {
        match self {
            Expr::Test(t) => t.eval(args[usize::from(t.arg)]),
            Expr::Not(e) => !e.eval(args),
            Expr::And(v) => v.iter().all(|e| e.eval(args)),
            Expr::Or(v) => v.iter().any(|e| e.eval(args)),
            Expr::Const(b) => *b,
        }
    }

    /// Every test in the expression, in order.
    pub fn tests(&self) -> Vec<&Test> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Test>) {
            match e {
                Expr::Test(t) => out.push(t),
                Expr::Not(e) => walk(e, out),
                Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| walk(e, out)),
                Expr::Const(_) => {}
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }
}

/// Where a checked rule came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The whole rule statement.
    pub stmt: Span,
    /// The target (`write(fd == 1)`), inside a group definition if it came from a group.
    pub target: Span,
    /// The `@group` reference in the rule, when the target came through a group.
    pub group: Option<Span>,
}

/// One syscall target of one rule, for one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub syscall: &'static SyscallDef,
    /// `None`: the rule matches every call of the syscall.
    pub cond: Option<Expr>,
    pub action: Action,
    pub origin: Origin,
}

impl Rule {
    pub fn nr(&self) -> u32 {
        self.syscall.nr
    }

    /// Whether the rule matches a call with these arguments.
    pub fn matches(&self, args: &[u64; 6]) -> bool {
        self.cond.as_ref().is_none_or(|c| c.eval(args))
    }
}

/// The policy for one architecture: rules in file order (first match wins), then the
/// default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchPolicy {
    pub arch: Arch,
    pub default: Action,
    /// The `default` statement.
    pub default_span: Span,
    pub rules: Vec<Rule>,
    /// Targets naming a syscall this architecture does not have (it exists on another):
    /// skipped here, and reported by the lints as a note.
    pub absent: Vec<(&'static str, Span)>,
}

impl ArchPolicy {
    /// The rules of one syscall number, in order.
    pub fn rules_for(&self, nr: u32) -> impl Iterator<Item = (usize, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.nr() == nr)
    }
}

/// A checked policy: one [`ArchPolicy`] per target architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub arches: Vec<ArchPolicy>,
}

impl Policy {
    /// The policy of one architecture, if it is a target.
    pub fn arch(&self, arch: Arch) -> Option<&ArchPolicy> {
        self.arches.iter().find(|p| p.arch == arch)
    }
}
