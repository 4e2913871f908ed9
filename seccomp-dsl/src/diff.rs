//! The semantic difference of two policies: per syscall, the argument values on which
//! their actions differ, computed symbolically ([`crate::region`]), not by sampling.
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

use crate::Action;
use crate::policy::ArchPolicy;
use crate::region::{Conj, Cube, Region, TooBig, decide};
use crate::tables::SyscallDef;

/// Calls of one syscall that one policy gives `from` and the other `to`.
#[derive(Clone, Debug)]
pub struct Change {
    pub syscall: &'static SyscallDef,
    pub from: Action,
    pub to: Action,
    /// The argument values concerned.
    pub region: Region,
}

/// Every difference between `a` and `b` (same architecture), by syscall number then
/// action.
pub fn diff(a: &ArchPolicy, b: &ArchPolicy) -> Result<Vec<Change>, TooBig> {
    assert_eq!(a.arch, b.arch, "diff of policies for different arches");
    let mut defs: Vec<&'static SyscallDef> = a.arch.syscalls().iter().collect();
    defs.sort_by_key(|s| s.nr);
    let mut out = Vec::new();
    for sys in defs {
        let ruled = a.rules_for(sys.nr).next().is_some() || b.rules_for(sys.nr).next().is_some();
        if !ruled {
            if a.default != b.default {
                out.push(Change {
                    syscall: sys,
                    from: a.default,
                    to: b.default,
                    region: Region::all(),
                });
            }
            continue;
        }
        let (da, db) = (decide(a, sys.nr)?, decide(b, sys.nr)?);
        for (x, ra) in &da {
            for (y, rb) in &db {
                if x == y {
                    continue;
                }
                let r = ra.and(rb)?;
                if !r.is_empty() {
                    out.push(Change {
                        syscall: sys,
                        from: *x,
                        to: *y,
                        region: r,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The changes where `policy` lets a call through (allow or log) that `baseline` does
/// not: what `scc diff --subset-of` reports.
pub fn not_subset(baseline: &ArchPolicy, policy: &ArchPolicy) -> Result<Vec<Change>, TooBig> {
    Ok(diff(baseline, policy)?
        .into_iter()
        .filter(|c| c.to.permits() && !c.from.permits())
        .collect())
}

impl Change {
    /// `- FROM syscall(cond)` and `+ TO syscall(cond)`, one pair per alternative.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for cond in describe(&self.region, self.syscall) {
            let target = if cond.is_empty() {
                self.syscall.name.to_owned()
            } else {
                format!("{}({cond})", self.syscall.name)
            };
            out.push(format!("- {} {target}", self.from));
            out.push(format!("+ {} {target}", self.to));
        }
        out
    }
}

/// One argument's values in a displayed alternative.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Values {
    Any,
    /// Sorted, disjoint, inclusive intervals.
    Ranges(Vec<(u64, u64)>),
    Cube(Cube),
    /// Every value but those of the cube (`x & m != v`).
    NotCube(Cube),
}

fn width_mask(sys: &SyscallDef, i: usize) -> u64 {
    sys.args.get(i).map_or(u64::MAX, |a| a.width.mask())
}

/// A cube whose mask is the top bits of the width is an interval.
fn values(c: Cube, wm: u64) -> Values {
    if c.mask == 0 {
        return Values::Any;
    }
    let low = wm & !c.mask;
    if c.mask & !wm == 0 && low & low.wrapping_add(1) == 0 {
        Values::Ranges(vec![(c.value, c.value | low)])
    } else {
        Values::Cube(c)
    }
}

/// The cube `c` such that `cubes` are exactly the pieces of "not in `c`" (highest bit
/// first, as the regions cut them), if there is one.
fn negated_cube(cubes: &[Cube]) -> Option<Cube> {
    let mask = cubes.iter().fold(0, |m, c| m | c.mask);
    if mask.count_ones() as usize != cubes.len() {
        return None;
    }
    // The piece of bit k fixes the bits above k to `v` and bit k to `!v`.
    let mut value = 0;
    for c in cubes {
        let low = c.mask & c.mask.wrapping_neg();
        value |= !c.value & low;
    }
    let want: Vec<Cube> = (0..64u32)
        .rev()
        .filter(|&k| mask >> k & 1 == 1)
        .map(|k| {
            let bit = 1u64 << k;
            let above = if k == 63 { 0 } else { !((bit << 1) - 1) };
            Cube {
                mask: (mask & above) | bit,
                value: (value & mask & above) | (!value & bit),
            }
        })
        .collect();
    let mut have = cubes.to_vec();
    have.sort_unstable();
    let mut want = want;
    want.sort_unstable();
    (have == want).then_some(Cube { mask, value })
}

fn union(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut all: Vec<(u64, u64)> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (lo, hi) in all {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// The alternatives of a region as conditions in the policy language (empty string:
/// every call), intervals merged for reading.
pub fn describe(region: &Region, sys: &SyscallDef) -> Vec<String> {
    let mut alts: Vec<[Values; 6]> = region
        .conjs
        .iter()
        .map(|c: &Conj| std::array::from_fn(|i| values(c[i], width_mask(sys, i))))
        .collect();
    // Merge alternatives equal but for one argument's intervals.
    let mut merged = true;
    while merged && alts.len() <= 2048 {
        merged = false;
        'outer: for i in 0..alts.len() {
            for j in i + 1..alts.len() {
                let diff: Vec<usize> = (0..6).filter(|&k| alts[i][k] != alts[j][k]).collect();
                if let [k] = diff[..] {
                    if let (Values::Ranges(x), Values::Ranges(y)) = (&alts[i][k], &alts[j][k]) {
                        let u = union(x, y);
                        let wm = width_mask(sys, k);
                        alts[i][k] = if u == [(0, wm)] {
                            Values::Any
                        } else {
                            Values::Ranges(u)
                        };
                        alts.swap_remove(j);
                        merged = true;
                        break 'outer;
                    }
                }
            }
        }
    }
    // Alternatives equal but for one argument whose cubes are exactly the pieces of
    // `x & m != v` read better as that.
    let mut k = 0;
    while k < alts.len() {
        let mut found = false;
        for arg in 0..6 {
            let group: Vec<usize> = (0..alts.len())
                .filter(|&j| {
                    (0..6).all(|x| x == arg || alts[j][x] == alts[k][x])
                        && matches!(alts[j][arg], Values::Cube(_) | Values::Ranges(_))
                })
                .collect();
            if group.len() < 2 {
                continue;
            }
            let cubes: Option<Vec<Cube>> = group
                .iter()
                .map(|&j| match &alts[j][arg] {
                    Values::Cube(c) => Some(*c),
                    Values::Ranges(r) => match r[..] {
                        [(lo, hi)]
                            if (hi - lo).wrapping_add(1) & (hi - lo) == 0
                                && lo & (hi - lo) == 0 =>
                        {
                            Some(Cube {
                                mask: width_mask(sys, arg) & !(hi - lo),
                                value: lo,
                            })
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if let Some(c) = cubes.and_then(|cs| negated_cube(&cs)) {
                let mut keep = alts[k].clone();
                keep[arg] = Values::NotCube(c);
                let mut rest: Vec<[Values; 6]> = alts
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| !group.contains(j))
                    .map(|(_, a)| a.clone())
                    .collect();
                rest.push(keep);
                alts = rest;
                found = true;
                break;
            }
        }
        if !found {
            k += 1;
        } else {
            k = 0;
        }
    }
    let mut out: Vec<String> = alts
        .iter()
        .map(|alt| {
            let parts: Vec<String> = alt
                .iter()
                .enumerate()
                .filter_map(|(i, v)| arg_text(sys, i, v))
                .collect();
            match parts.as_slice() {
                // One argument's alternatives need no parentheses of their own.
                [only] if only.starts_with('(') && only.ends_with(')') => {
                    only[1..only.len() - 1].to_owned()
                }
                _ => parts.join(" && "),
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn num(v: u64) -> String {
    if v < 0x1_0000 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

fn arg_text(sys: &SyscallDef, i: usize, v: &Values) -> Option<String> {
    let def = sys.args.get(i);
    let name = def
        .map(|d| d.name)
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("arg{i}"), str::to_owned);
    let wm = width_mask(sys, i);
    match v {
        Values::Any => None,
        Values::Cube(c) => Some(if c.mask == wm {
            format!("{name} == {}", num(c.value))
        } else {
            format!("{name} & {:#x} == {}", c.mask, num(c.value))
        }),
        Values::NotCube(c) => Some(if c.mask == wm {
            format!("{name} != {}", num(c.value))
        } else {
            format!("{name} & {:#x} != {}", c.mask, num(c.value))
        }),
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
                return Some(match vs.as_slice() {
                    [one] => format!("{name} != {one}"),
                    _ => format!("{name} not in {{{}}}", vs.join(", ")),
                });
            }
            if rs.iter().all(|(lo, hi)| lo == hi) && rs.len() > 1 {
                let vs: Vec<String> = rs.iter().map(|(lo, _)| num(*lo)).collect();
                return Some(format!("{name} in {{{}}}", vs.join(", ")));
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
            Some(if parts.len() == 1 {
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
            })
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
