//! The filter as a decision diagram: each node switches on one 32-bit variable, splitting
//! its values into intervals, down to actions.
//!
//! The root switches on `arch`, the next node on `nr`; below a syscall, nodes switch on the
//! argument words its rules test. A syscall's first-match rule list is expanded one
//! variable at a time: the variable's values are cut at every constant it is compared
//! with, and on each interval every comparison of it is a constant, so the rules simplify.
//! Nodes are hash-consed, so syscalls with the same argument rules share one block and
//! every action has one leaf.

use std::collections::HashMap;

use super::atoms::{self, F, Var, Word};
use crate::policy::{Action, ArchPolicy};

pub type NodeId = usize;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Leaf(Action),
    /// `cases[i] = (start, child)`: values `start..next start` go to `child`. The first
    /// start is 0; adjacent children differ.
    Switch {
        var: Var,
        cases: Vec<(u32, NodeId)>,
    },
}

/// A first-match rule list: the first rule whose formula holds decides, else `default`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Fun {
    rules: Vec<(F, Action)>,
    default: Action,
}

impl Fun {
    /// Drops rules that can never match, cuts the list at the first that always does, and
    /// drops trailing rules that decide the same as the default.
    fn simplify(mut self) -> Fun {
        let mut rules = Vec::with_capacity(self.rules.len());
        for (f, a) in self.rules {
            match f {
                F::Const(false) => {}
                F::Const(true) => {
                    self.default = a;
                    break;
                }
                f => rules.push((f, a)),
            }
        }
        while rules.last().is_some_and(|(_, a)| *a == self.default) {
            rules.pop();
        }
        Fun {
            rules,
            default: self.default,
        }
    }
}

/// The diagram: nodes in creation order (children before parents), hash-consed.
#[derive(Debug, Default)]
pub struct Dd {
    pub nodes: Vec<Node>,
    index: HashMap<Node, NodeId>,
    memo: HashMap<Fun, NodeId>,
}

impl Dd {
    fn intern(&mut self, n: Node) -> NodeId {
        if let Some(&id) = self.index.get(&n) {
            return id;
        }
        self.nodes.push(n.clone());
        let id = self.nodes.len() - 1;
        self.index.insert(n, id);
        id
    }

    pub fn leaf(&mut self, a: Action) -> NodeId {
        self.intern(Node::Leaf(a))
    }

    /// A switch, canonicalised: adjacent equal children merged, a single case collapsed.
    pub fn switch(&mut self, var: Var, cases: Vec<(u32, NodeId)>) -> NodeId {
        let mut merged: Vec<(u32, NodeId)> = Vec::with_capacity(cases.len());
        for (s, c) in cases {
            if merged.last().is_none_or(|&(_, lc)| lc != c) {
                merged.push((s, c));
            }
        }
        if merged.len() == 1 {
            return merged[0].1;
        }
        self.intern(Node::Switch { var, cases: merged })
    }

    fn build(&mut self, fun: Fun) -> NodeId {
        let fun = fun.simplify();
        if fun.rules.is_empty() {
            return self.leaf(fun.default);
        }
        if let Some(&id) = self.memo.get(&fun) {
            return id;
        }
        let var = fun
            .rules
            .iter()
            .find_map(|(f, _)| f.first_var())
            .expect("a non-constant rule has a variable");
        let mut bps = vec![0u32];
        for (f, _) in &fun.rules {
            f.breakpoints(var, &mut bps);
        }
        bps.sort_unstable();
        bps.dedup();
        // `word & mask` never exceeds `mask` and only takes values that are submasks of it:
        // intervals with no such value are unreachable and take a neighbour's child.
        let mut cases: Vec<(u32, Option<NodeId>)> = Vec::with_capacity(bps.len());
        for (i, &start) in bps.iter().enumerate() {
            let end = bps.get(i + 1).map_or(u32::MAX, |n| n - 1);
            let child = next_submask(start, var.mask)
                .filter(|&x| x <= end)
                .map(|x| {
                    let sub = Fun {
                        rules: fun
                            .rules
                            .iter()
                            .map(|(f, a)| (f.substitute(var, x), *a))
                            .collect(),
                        default: fun.default,
                    };
                    self.build(sub)
                });
            cases.push((start, child));
        }
        let first = cases
            .iter()
            .find_map(|(_, c)| *c)
            .expect("0 is always reachable");
        let mut last = first;
        let cases = cases
            .into_iter()
            .map(|(s, c)| {
                let c = c.unwrap_or(last);
                last = c;
                (s, c)
            })
            .collect();
        let id = self.switch(var, cases);
        self.memo.insert(fun, id);
        id
    }
}

/// The smallest `x >= start` whose bits are all in `mask`, if any.
pub fn next_submask(start: u32, mask: u32) -> Option<u32> {
    if start & !mask == 0 {
        return Some(start);
    }
    // Keep start's bits above some position i (they must be in the mask), set bit i (a
    // mask bit where start has 0), clear everything below; the lowest such i is smallest.
    (0..32).find_map(|i| {
        let bit = 1u32 << i;
        let above = if i == 31 {
            0
        } else {
            start & !((bit << 1) - 1)
        };
        (start & bit == 0 && mask & bit != 0 && above & !mask == 0).then_some(above | bit)
    })
}

/// Builds the diagram of one architecture's policy; returns it and its root.
pub fn build(policy: &ArchPolicy) -> (Dd, NodeId) {
    let mut dd = Dd::default();
    let default = dd.leaf(policy.default);
    let kill = dd.leaf(Action::KillProcess);

    // Rules grouped by syscall number, in file order.
    let mut by_nr: std::collections::BTreeMap<u32, Vec<(F, Action)>> = Default::default();
    for r in &policy.rules {
        let f = r.cond.as_ref().map_or(F::Const(true), atoms::lower);
        by_nr.entry(r.nr()).or_default().push((f, r.action));
    }
    let x32 = policy.arch.x32_bit();
    let mut cases: Vec<(u32, NodeId)> = vec![(0, default)];
    for (nr, rules) in by_nr {
        if x32.is_some_and(|b| nr >= b) {
            continue;
        }
        let node = dd.build(Fun {
            rules,
            default: policy.default,
        });
        if node != default {
            cases.push((nr, node));
            cases.push((nr + 1, default));
        }
    }
    if let Some(bit) = x32 {
        cases.push((bit, kill));
    }
    // Drop the empty intervals `(n + 1, default)` immediately followed by `(n + 1, ...)`.
    let mut clean: Vec<(u32, NodeId)> = Vec::with_capacity(cases.len());
    for (s, c) in cases {
        if clean.last().is_some_and(|&(ls, _)| ls == s) {
            clean.pop();
        }
        clean.push((s, c));
    }
    let nr = dd.switch(Var::whole(Word::Nr), clean);
    let audit = policy.arch.audit_arch();
    let mut arch_cases = vec![(0, kill), (audit, nr)];
    if let Some(next) = audit.checked_add(1) {
        arch_cases.push((next, kill));
    }
    if audit == 0 {
        arch_cases.remove(0);
    }
    let root = dd.switch(Var::whole(Word::Arch), arch_cases);
    (dd, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submasks() {
        assert_eq!(next_submask(0, 0x7e02_0000), Some(0));
        assert_eq!(next_submask(1, 0x7e02_0000), Some(0x0002_0000));
        assert_eq!(next_submask(0x0002_0001, 0x7e02_0000), Some(0x0200_0000));
        assert_eq!(next_submask(5, 0b1010), Some(8));
        assert_eq!(next_submask(11, 0b1010), None);
        assert_eq!(next_submask(0x8000_0001, u32::MAX), Some(0x8000_0001));
        assert_eq!(next_submask(0x8000_0001, 0x8000_0000), None);
        for mask in [0b1011_0110u32, 0xf0f0, 1, 0x8000_0001] {
            // Every submask of `mask`, by the usual `(s - 1) & mask` walk.
            let mut subs = vec![0u32];
            let mut s = mask;
            while s != 0 {
                subs.push(s);
                s = (s - 1) & mask;
            }
            for start in (0..300u32).chain([0x7fff_ffff, 0x8000_0000, 0x8000_0002]) {
                let brute = subs.iter().copied().filter(|&x| x >= start).min();
                assert_eq!(
                    next_submask(start, mask),
                    brute,
                    "start {start} mask {mask:#x}"
                );
            }
        }
    }
}
