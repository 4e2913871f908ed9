//! The semantic difference of two policies: for every syscall number a filter can see,
//! the argument values on which their actions differ, computed exactly with decision
//! diagrams ([`crate::bdd`]), not by sampling, and whatever the conditions.
//!
//! ```
//! use seccomp_dsl::{Arch, compile_str, diff};
//!
//! let a = compile_str("a.sc", "default errno(EPERM); allow socket(domain == AF_UNIX);");
//! let b = compile_str("b.sc", "default errno(EPERM); allow socket(domain in {AF_UNIX, AF_NETLINK});");
//! let (a, b) = (a.policy.unwrap(), b.policy.unwrap());
//! let changes = diff::diff(a.arch(Arch::X86_64).unwrap(), b.arch(Arch::X86_64).unwrap()).unwrap();
//! assert_eq!(changes.len(), 1);
//! assert_eq!(changes[0].lines(), ["- errno(EPERM) socket(domain == 16)", "+ allow socket(domain == 16)"]);
//! ```

use std::collections::BTreeSet;

use crate::Action;
use std::sync::Arc;

use crate::bdd::{self, ArgSet, Id, Manager, Order};
use crate::policy::ArchPolicy;
use crate::region::Cube;
use crate::tables::SyscallDef;

/// The most decision-diagram nodes one syscall's comparison may build. Every test is at
/// most one node per bit, so real policies need thousands at most (Docker's profile
/// against itself: a few hundred per syscall); the bound only keeps a hostile policy
/// from taking all memory.
pub const MAX_NODES: usize = 1 << 21;

/// The most alternatives [`Change::lines`] lists for one change (the comparison itself is
/// exact whatever the count).
pub const MAX_ALTERNATIVES: usize = 1024;

/// The most nodes spent re-ordering a change's set argument by argument for display;
/// past it the set is shown as boxes.
const DISPLAY_NODES: usize = 1 << 16;

/// The syscall numbers a [`Change`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syscalls {
    /// One syscall of the tables.
    Named(&'static SyscallDef),
    /// Numbers `first..=last` that the tables do not name: a newer kernel's syscalls,
    /// gaps in the numbering, anything up to the x32 bit on x86_64 and up to `u32::MAX`
    /// elsewhere. No rule can name them, so each policy gives them its default.
    Unnamed { first: u32, last: u32 },
}

impl Syscalls {
    /// The first number.
    pub fn first(self) -> u32 {
        match self {
            Syscalls::Named(s) => s.nr,
            Syscalls::Unnamed { first, .. } => first,
        }
    }

    /// The last number.
    pub fn last(self) -> u32 {
        match self {
            Syscalls::Named(s) => s.nr,
            Syscalls::Unnamed { last, .. } => last,
        }
    }
}

/// Calls that one policy gives `from` and the other `to`.
#[derive(Clone, Debug)]
pub struct Change {
    pub syscalls: Syscalls,
    pub from: Action,
    pub to: Action,
    /// The argument values concerned, exactly (every value for unnamed numbers).
    pub args: ArgSet,
}

/// A syscall whose conditions needed more than [`MAX_NODES`] nodes to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooComplex {
    pub syscall: &'static SyscallDef,
}

impl std::fmt::Display for TooComplex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the conditions of `{}` need more than {MAX_NODES} decision-diagram nodes to compare",
            self.syscall.name
        )
    }
}

impl std::error::Error for TooComplex {}

/// Every difference between `a` and `b` (same architecture), over every syscall number
/// a filter can see (all of `u32`), by number then action: exactly, whatever the
/// conditions (see [`crate::bdd`]).
///
/// What a policy does with a number follows the compiled filter (and
/// [`crate::evaluate`]): numbers from the x32 bit up are killed by both on x86_64, so
/// they never differ; a number no rule names gets the default, named in the tables or
/// not.
pub fn diff(a: &ArchPolicy, b: &ArchPolicy) -> Result<Vec<Change>, TooComplex> {
    assert_eq!(a.arch, b.arch, "diff of policies for different arches");
    let arch = a.arch;
    // Numbers from here up are killed before any rule, by both.
    let end = arch.x32_bit().map_or(1 << 32, u64::from);
    let ruled: BTreeSet<u32> = a.rules.iter().chain(&b.rules).map(|r| r.nr()).collect();
    let mut named: Vec<&'static SyscallDef> = arch.syscalls().iter().collect();
    named.sort_by_key(|s| s.nr);
    named.dedup_by_key(|s| s.nr);
    named.retain(|s| u64::from(s.nr) < end);
    let defaults_differ = a.default != b.default;
    let mut out = Vec::new();
    let mut next = 0u64;
    let unnamed = |first: u64, last: u64, out: &mut Vec<Change>| {
        if defaults_differ {
            out.push(Change {
                syscalls: Syscalls::Unnamed {
                    first: first as u32,
                    last: last as u32,
                },
                from: a.default,
                to: b.default,
                args: ArgSet::all(),
            });
        }
    };
    for sys in named {
        let nr = u64::from(sys.nr);
        if nr > next {
            unnamed(next, nr - 1, &mut out);
        }
        next = nr + 1;
        if ruled.contains(&sys.nr) {
            out.extend(compare(a, b, sys)?);
        } else if defaults_differ {
            out.push(Change {
                syscalls: Syscalls::Named(sys),
                from: a.default,
                to: b.default,
                args: ArgSet::all(),
            });
        }
    }
    if next < end {
        unnamed(next, end - 1, &mut out);
    }
    Ok(out)
}

/// What `policy` does with the calls of `sys`: a diagram whose leaves are indexes into
/// `actions` (plus 2: leaves 0 and 1 are false and true).
fn decision(
    m: &mut Manager,
    policy: &ArchPolicy,
    sys: &SyscallDef,
    actions: &mut Vec<Action>,
) -> Result<Id, bdd::TooBig> {
    let mut leaf = |m: &mut Manager, a: Action| {
        let i = actions.iter().position(|&x| x == a).unwrap_or_else(|| {
            actions.push(a);
            actions.len() - 1
        });
        m.leaf(i as u32 + 2)
    };
    let mut f = leaf(m, policy.default);
    // The first matching rule decides: build from the last one up.
    let rules: Vec<_> = policy.rules_for(sys.nr).map(|(_, r)| r).collect();
    for r in rules.into_iter().rev() {
        let c = match &r.cond {
            None => bdd::TRUE,
            Some(e) => m.expr(e)?,
        };
        let then = leaf(m, r.action);
        f = m.ite(c, then, f)?;
    }
    Ok(f)
}

/// The changes of one syscall both policies can have rules for.
fn compare(
    a: &ArchPolicy,
    b: &ArchPolicy,
    sys: &'static SyscallDef,
) -> Result<Vec<Change>, TooComplex> {
    let too_complex = |_| TooComplex { syscall: sys };
    // The bits in the order the conditions test them, as the compiler's diagram does.
    let tests = [a, b]
        .into_iter()
        .flat_map(|p| p.rules_for(sys.nr))
        .filter_map(|(_, r)| r.cond.as_ref())
        .flat_map(|c| {
            c.tests()
                .into_iter()
                .map(|t| (t.arg, t.mask))
                .collect::<Vec<_>>()
        });
    let mut m = Manager::with_order(Arc::new(Order::first_seen(tests)), MAX_NODES);
    let mut actions = Vec::new();
    let fa = decision(&mut m, a, sys, &mut actions).map_err(too_complex)?;
    let fb = decision(&mut m, b, sys, &mut actions).map_err(too_complex)?;
    if fa == fb {
        // One function, one node.
        return Ok(Vec::new());
    }
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let both = m
        .product(fa, fb, &mut |x, y| {
            let i = pairs.iter().position(|&p| p == (x, y)).unwrap_or_else(|| {
                pairs.push((x, y));
                pairs.len() - 1
            });
            i as u32 + 2
        })
        .map_err(too_complex)?;
    let mut out = Vec::new();
    for v in m.values(both) {
        let (x, y) = pairs[v as usize - 2];
        let (from, to) = (actions[x as usize - 2], actions[y as usize - 2]);
        if from == to {
            continue;
        }
        let set = m
            .map(both, &mut |w| u32::from(w == v))
            .map_err(too_complex)?;
        out.push(Change {
            syscalls: Syscalls::Named(sys),
            from,
            to,
            args: m.extract(set),
        });
    }
    Ok(out)
}

/// The changes where `policy` lets a call through (allow or log) that `baseline` does
/// not: what `scc diff --subset-of` reports.
pub fn not_subset(baseline: &ArchPolicy, policy: &ArchPolicy) -> Result<Vec<Change>, TooComplex> {
    Ok(diff(baseline, policy)?
        .into_iter()
        .filter(|c| c.to.permits() && !c.from.permits())
        .collect())
}

impl Change {
    /// Whether the change concerns this call.
    pub fn contains(&self, nr: u32, args: &[u64; 6]) -> bool {
        (self.syscalls.first()..=self.syscalls.last()).contains(&nr) && self.args.contains(args)
    }

    /// `- FROM syscall(cond)` and `+ TO syscall(cond)`, one pair per alternative.
    pub fn lines(&self) -> Vec<String> {
        let targets = match self.syscalls {
            Syscalls::Named(sys) => describe(&self.args, sys)
                .into_iter()
                .map(|cond| {
                    if cond.is_empty() {
                        sys.name.to_owned()
                    } else {
                        format!("{}({cond})", sys.name)
                    }
                })
                .collect(),
            Syscalls::Unnamed { first, last } => {
                let what = if first == last {
                    format!("syscall {}", num(first.into()))
                } else {
                    format!("syscalls {}..={}", num(first.into()), num(last.into()))
                };
                vec![format!("{what} (numbers the tables do not name)")]
            }
        };
        let mut out = Vec::new();
        for target in targets {
            out.push(format!("- {} {target}", self.from));
            out.push(format!("+ {} {target}", self.to));
        }
        out
    }
}

/// One argument's values in a displayed alternative.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Values {
    /// Sorted, disjoint, inclusive intervals.
    Ranges(Vec<(u64, u64)>),
    Cube(Cube),
    /// Every value but those of the cube (`x & m != v`).
    NotCube(Cube),
    /// The first of too many intervals to show.
    Many(Vec<(u64, u64)>),
}

fn width_mask(sys: &SyscallDef, i: usize) -> u64 {
    sys.args.get(i).map_or(u64::MAX, |a| a.width.mask())
}

/// How one argument's set of an alternative is shown, with the simplest form that is
/// exact: intervals (`x >= 41`, `x in {1, 2}`, `x != 0`), a masked comparison
/// (`x & 0x7e020000 != 0`, `x & 0xf0 == 0x10`), else a few masked cubes (one line
/// each), else the first intervals.
fn arg_values(set: &ArgSet, arg: usize, wm: u64) -> Vec<Values> {
    if let Some(r) = set.intervals(arg, wm, 8) {
        return vec![Values::Ranges(r)];
    }
    if let Some([c]) = set.not().cubes(1).as_deref() {
        return vec![Values::NotCube(*c)];
    }
    if let Some(cs) = set.cubes(1) {
        return cs.into_iter().map(Values::Cube).collect();
    }
    if let Some(r) = set.intervals(arg, wm, 4096) {
        return vec![Values::Ranges(r)];
    }
    if let Some(cs) = set.cubes(64) {
        return cs.into_iter().map(Values::Cube).collect();
    }
    let first = set.intervals(arg, wm, usize::MAX).unwrap_or_default();
    vec![Values::Many(first.into_iter().take(16).collect())]
}

/// The alternatives of a set of argument vectors as conditions in the policy language
/// (empty string: every call), at most [`MAX_ALTERNATIVES`] (then a last line says how
/// many more there are).
pub fn describe(args: &ArgSet, sys: &SyscallDef) -> Vec<String> {
    if args.is_all() {
        return vec![String::new()];
    }
    let Some(args) = args.arg_major(DISPLAY_NODES) else {
        return describe_boxes(args, sys);
    };
    let (alts, complete) = args.by_argument(MAX_ALTERNATIVES);
    let mut out: Vec<String> = Vec::new();
    for alt in &alts {
        // Each argument's forms; several forms (cubes) multiply into several lines.
        let mut lines: Vec<Vec<String>> = vec![Vec::new()];
        for (i, set) in alt.iter().enumerate() {
            let Some(set) = set else { continue };
            let forms: Vec<String> = arg_values(set, i, width_mask(sys, i))
                .iter()
                .map(|v| arg_text(sys, i, v))
                .collect();
            lines = lines
                .into_iter()
                .flat_map(|l| {
                    forms.iter().map(move |f| {
                        let mut l = l.clone();
                        l.push(f.clone());
                        l
                    })
                })
                .collect();
        }
        out.extend(lines.into_iter().map(|parts| match parts.as_slice() {
            // One argument's alternatives need no parentheses of their own.
            [only] if only.starts_with('(') && only.ends_with(')') => {
                only[1..only.len() - 1].to_owned()
            }
            _ => parts.join(" && "),
        }));
    }
    if !complete {
        out.push("/* and more alternatives */".to_owned());
    }
    out
}

/// The alternatives of a set too large to show argument by argument: its boxes (each
/// argument `x & mask == value`), as many as [`MAX_ALTERNATIVES`].
fn describe_boxes(args: &ArgSet, sys: &SyscallDef) -> Vec<String> {
    let (boxes, complete) = args.boxes(MAX_ALTERNATIVES);
    let mut out: Vec<String> = boxes
        .iter()
        .map(|b| {
            let parts: Vec<String> = b
                .iter()
                .enumerate()
                .filter(|(_, c)| c.mask != 0)
                .map(|(i, c)| arg_text(sys, i, &Values::Cube(*c)))
                .collect();
            parts.join(" && ")
        })
        .collect();
    if !complete {
        out.push("/* and more alternatives */".to_owned());
    }
    out
}

fn num(v: u64) -> String {
    if v < 0x1_0000 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

fn arg_text(sys: &SyscallDef, i: usize, v: &Values) -> String {
    let def = sys.args.get(i);
    let name = def
        .map(|d| d.name)
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("arg{i}"), str::to_owned);
    let wm = width_mask(sys, i);
    match v {
        Values::Many(rs) => {
            let shown: Vec<String> = rs
                .iter()
                .map(|&(lo, hi)| format!("{}..={}", num(lo), num(hi)))
                .collect();
            format!("{name} in /* {} ... */", shown.join(", "))
        }
        Values::Cube(c) if c.mask == wm => format!("{name} == {}", num(c.value)),
        Values::Cube(c) => format!("{name} & {:#x} == {}", c.mask, num(c.value)),
        Values::NotCube(c) if c.mask == wm => format!("{name} != {}", num(c.value)),
        Values::NotCube(c) => format!("{name} & {:#x} != {}", c.mask, num(c.value)),
        Values::Ranges(rs) => {
            // Every value but a few: `x != v`, `x not in {..}`.
            let mut gaps = Vec::new();
            let mut next = 0u64;
            for &(lo, hi) in rs {
                gaps.extend(next..lo.min(next.saturating_add(9)));
                next = hi.saturating_add(1);
            }
            if rs.last().is_some_and(|&(_, hi)| hi < wm) {
                gaps.extend(next..=wm.min(next.saturating_add(8)));
            }
            let covered: u128 = rs.iter().map(|&(lo, hi)| u128::from(hi - lo) + 1).sum();
            if rs.len() > 1 && gaps.len() <= 8 && covered + gaps.len() as u128 == u128::from(wm) + 1
            {
                let vs: Vec<String> = gaps.iter().map(|v| num(*v)).collect();
                return match vs.as_slice() {
                    [one] => format!("{name} != {one}"),
                    _ => format!("{name} not in {{{}}}", vs.join(", ")),
                };
            }
            if rs.iter().all(|(lo, hi)| lo == hi) && rs.len() > 1 {
                let vs: Vec<String> = rs.iter().map(|(lo, _)| num(*lo)).collect();
                return format!("{name} in {{{}}}", vs.join(", "));
            }
            let parts: Vec<String> = rs
                .iter()
                .map(|&(lo, hi)| match (lo, hi) {
                    (lo, hi) if lo == hi => format!("{name} == {}", num(lo)),
                    (0, hi) => format!("{name} <= {}", num(hi)),
                    (lo, hi) if hi == wm => format!("{name} >= {}", num(lo)),
                    (lo, hi) => format!("{name} >= {} && {name} <= {}", num(lo), num(hi)),
                })
                .collect();
            if parts.len() == 1 {
                parts.into_iter().next().unwrap()
            } else {
                format!(
                    "({})",
                    parts
                        .iter()
                        .map(|p| if p.contains("&&") {
                            format!("({p})")
                        } else {
                            p.clone()
                        })
                        .collect::<Vec<_>>()
                        .join(" || ")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Arch, compile_str};

    fn policy(src: &str) -> ArchPolicy {
        let out = compile_str("t.sc", src);
        assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
        out.policy.unwrap().arch(Arch::X86_64).unwrap().clone()
    }

    #[test]
    fn identical_meanings_have_no_difference() {
        let a =
            policy("default allow; errno(1) socket(domain < 38 || domain == 39 || domain > 40);");
        let b = policy("default allow; errno(1) socket(domain not in {38, 40});");
        assert!(diff(&a, &b).unwrap().is_empty());
    }

    #[test]
    fn a_negated_mask_reads_as_not_equal() {
        let a = policy("default errno(1); allow clone(clone_flags & 0x7e020000 == 0);");
        let b = policy("default errno(1); allow clone;");
        let lines: Vec<String> = diff(&a, &b)
            .unwrap()
            .iter()
            .flat_map(Change::lines)
            .collect();
        assert_eq!(
            lines,
            [
                "- errno(EPERM) clone(clone_flags & 0x7e020000 != 0)",
                "+ allow clone(clone_flags & 0x7e020000 != 0)"
            ]
        );
    }

    #[test]
    fn differences_are_shown_as_ranges_and_sets() {
        let a = policy("default errno(1); allow socket(domain < 38);");
        let b = policy("default errno(1); allow socket(domain < 38 || domain > 40), mkdir;");
        let lines: Vec<String> = diff(&a, &b)
            .unwrap()
            .iter()
            .flat_map(Change::lines)
            .collect();
        assert_eq!(
            lines,
            [
                "- errno(EPERM) socket(domain >= 41)",
                "+ allow socket(domain >= 41)",
                "- errno(EPERM) mkdir",
                "+ allow mkdir"
            ]
        );
        assert_eq!(not_subset(&a, &b).unwrap().len(), 2);
        assert!(not_subset(&b, &a).unwrap().is_empty());
    }
}
