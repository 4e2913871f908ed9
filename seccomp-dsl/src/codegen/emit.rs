//! Decision diagram + planned trees → BPF instructions.
//!
//! 1. The diagram becomes a graph of instructions (`ld`, `and`, conditional jumps, `ret`),
//!    hash-consed so identical tails are one piece of code.
//! 2. A load whose word is already in the accumulator on every path reaching it is
//!    dropped.
//! 3. The graph is emitted backwards, children first, so every jump target already has a
//!    position. Conditional jumps reach 255 instructions: a `ret` further away is emitted
//!    again nearby (no cost on the path), anything else is reached through a `ja`.

use std::collections::HashMap;

use super::atoms::Var;
use super::dd::{Dd, Node, NodeId};
use super::tree::Tree;
use crate::bpf::*;

pub(super) type InsId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Ins {
    Ret(u32),
    Ld(u32, InsId),
    And(u32, InsId),
    /// `op` is one of `BPF_JEQ`, `BPF_JGE`, `BPF_JSET` (against `k`).
    Jmp {
        op: u16,
        k: u32,
        jt: InsId,
        jf: InsId,
    },
}

/// How one switch node is coded.
#[derive(Clone, Debug)]
pub(super) enum Code {
    /// `ld word; jset mask` (cases: zero, nonzero).
    Jset,
    /// `ld word; [and mask]; tree`.
    Tree(Tree),
}

#[derive(Default)]
struct Graph {
    ins: Vec<Ins>,
    index: HashMap<Ins, InsId>,
}

impl Graph {
    fn add(&mut self, i: Ins) -> InsId {
        if let Some(&id) = self.index.get(&i) {
            return id;
        }
        self.ins.push(i);
        let id = self.ins.len() - 1;
        self.index.insert(i, id);
        id
    }
}

struct Lowering<'a> {
    dd: &'a Dd,
    code: &'a [Option<Code>],
    g: Graph,
    memo: HashMap<NodeId, InsId>,
}

impl Lowering<'_> {
    fn entry(&mut self, node: NodeId) -> InsId {
        if let Some(&id) = self.memo.get(&node) {
            return id;
        }
        let id = match &self.dd.nodes[node] {
            Node::Leaf(a) => self.g.add(Ins::Ret(a.ret())),
            Node::Switch { var, cases } => {
                let var: Var = *var;
                let off = var.word.offset();
                match self.code[node].as_ref().expect("switch has a plan") {
                    Code::Jset => {
                        let jt = self.entry(cases[1].1);
                        let jf = self.entry(cases[0].1);
                        let j = self.g.add(Ins::Jmp {
                            op: BPF_JSET,
                            k: var.mask,
                            jt,
                            jf,
                        });
                        self.g.add(Ins::Ld(off, j))
                    }
                    Code::Tree(tree) => {
                        let tree = tree.clone();
                        let mut root = self.tree(&tree, cases);
                        if var.mask != u32::MAX {
                            root = self.g.add(Ins::And(var.mask, root));
                        }
                        self.g.add(Ins::Ld(off, root))
                    }
                }
            }
        };
        self.memo.insert(node, id);
        id
    }

    fn tree(&mut self, t: &Tree, cases: &[(u32, NodeId)]) -> InsId {
        match t {
            Tree::Leaf(k) => self.entry(cases[*k].1),
            Tree::Split { at, lo, hi } => {
                let jt = self.tree(hi, cases);
                let jf = self.tree(lo, cases);
                self.g.add(Ins::Jmp {
                    op: BPF_JGE,
                    k: *at,
                    jt,
                    jf,
                })
            }
            Tree::Chain { holes, background } => {
                let mut cur = self.entry(cases[*background].1);
                for &h in holes.iter().rev() {
                    let jt = self.entry(cases[h].1);
                    cur = self.g.add(Ins::Jmp {
                        op: BPF_JEQ,
                        k: cases[h].0,
                        jt,
                        jf: cur,
                    });
                }
                cur
            }
        }
    }
}

/// Emits the program for the diagram rooted at `root`, given each switch's code.
pub(super) fn emit(dd: &Dd, code: &[Option<Code>], root: NodeId) -> Vec<SockFilter> {
    let mut l = Lowering {
        dd,
        code,
        g: Graph::default(),
        memo: HashMap::new(),
    };
    let entry = l.entry(root);
    let g = l.g;
    let skip = redundant_loads(&g, entry);
    let mut e = Emitter {
        g: &g,
        skip,
        out: Vec::new(),
        pos: vec![None; g.ins.len()],
        ret_pos: HashMap::new(),
    };
    let entry = e.resolve(entry);
    match g.ins[entry] {
        Ins::Ret(v) => e.out.push(SockFilter::ret(v)),
        _ => e.emit(entry),
    }
    e.out.reverse();
    e.out
}

/// Marks loads whose word the accumulator already holds on every path into them.
fn redundant_loads(g: &Graph, entry: InsId) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Unreached,
        Holds(u32),
        Unknown,
    }
    let n = g.ins.len();
    let mut st = vec![St::Unreached; n];
    st[entry] = St::Unknown;
    // Children are created before parents, so decreasing ids visit parents first.
    for id in (0..n).rev() {
        let inp = st[id];
        if inp == St::Unreached {
            continue;
        }
        let (out, succ): (St, &[InsId]) = match &g.ins[id] {
            Ins::Ret(_) => continue,
            Ins::Ld(off, next) => (St::Holds(*off), std::slice::from_ref(next)),
            Ins::And(_, next) => (St::Unknown, std::slice::from_ref(next)),
            Ins::Jmp { jt, jf, .. } => {
                for s in [*jt, *jf] {
                    st[s] = meet(st[s], inp);
                }
                continue;
            }
        };
        for &s in succ {
            st[s] = meet(st[s], out);
        }
    }
    fn meet(a: St, b: St) -> St {
        match (a, b) {
            (St::Unreached, x) => x,
            (x, y) if x == y => x,
            _ => St::Unknown,
        }
    }
    (0..n)
        .map(|id| matches!(g.ins[id], Ins::Ld(off, _) if st[id] == St::Holds(off)))
        .collect()
}

struct Emitter<'a> {
    g: &'a Graph,
    skip: Vec<bool>,
    /// Instructions in reverse order: index 0 is the program's last instruction.
    out: Vec<SockFilter>,
    pos: Vec<Option<usize>>,
    /// Most recent copy of each `ret`.
    ret_pos: HashMap<u32, usize>,
}

impl Emitter<'_> {
    fn resolve(&self, mut id: InsId) -> InsId {
        while self.skip[id] {
            let Ins::Ld(_, next) = self.g.ins[id] else {
                break;
            };
            id = next;
        }
        id
    }

    fn emit(&mut self, id: InsId) {
        let id = self.resolve(id);
        if self.pos[id].is_some() {
            return;
        }
        match self.g.ins[id] {
            Ins::Ret(_) => {}
            Ins::Jmp { op, k, jt, jf } => {
                let (jt, jf) = (self.resolve(jt), self.resolve(jf));
                self.emit(jf);
                self.emit(jt);
                // `reach` may push one instruction each; the first must leave room for one more.
                let t_jf = self.reach(jf, 1);
                let t_jt = self.reach(jt, 0);
                let here = self.out.len();
                let off =
                    |t: usize| u8::try_from(here - t - 1).expect("reach keeps jumps within 255");
                self.out.push(SockFilter::jump(
                    BPF_JMP | op | BPF_K,
                    k,
                    off(t_jt),
                    off(t_jf),
                ));
                self.pos[id] = Some(here);
            }
            Ins::Ld(_, next) | Ins::And(_, next) => {
                let next = self.resolve(next);
                if let Ins::Ret(v) = self.g.ins[next] {
                    self.push_ret(v);
                } else {
                    self.emit(next);
                    let p = self.pos[next].expect("emitted");
                    if p + 1 != self.out.len() {
                        let here = self.out.len();
                        self.out
                            .push(SockFilter::stmt(BPF_JMP | BPF_JA, (here - p - 1) as u32));
                    }
                }
                let here = self.out.len();
                self.out.push(match self.g.ins[id] {
                    Ins::Ld(off, _) => SockFilter::load(off),
                    Ins::And(k, _) => SockFilter::stmt(BPF_ALU | BPF_AND | BPF_K, k),
                    _ => unreachable!(),
                });
                self.pos[id] = Some(here);
            }
        }
    }

    fn push_ret(&mut self, v: u32) -> usize {
        let here = self.out.len();
        self.out.push(SockFilter::ret(v));
        self.ret_pos.insert(v, here);
        here
    }

    /// A position a conditional jump can reach for `id`, if `later` more instructions are
    /// pushed before the jump itself.
    fn reach(&mut self, id: InsId, later: usize) -> usize {
        let len = self.out.len();
        let near = |p: usize| len + later - p - 1 <= 255;
        if let Ins::Ret(v) = self.g.ins[id] {
            return match self.ret_pos.get(&v) {
                Some(&p) if near(p) => p,
                _ => self.push_ret(v),
            };
        }
        let p = self.pos[id].expect("targets are emitted first");
        if near(p) {
            return p;
        }
        self.out
            .push(SockFilter::stmt(BPF_JMP | BPF_JA, (len - p - 1) as u32));
        len
    }
}
