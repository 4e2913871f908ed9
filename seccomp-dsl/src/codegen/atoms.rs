//! Conditions on 64-bit arguments → formulas over 32-bit words.
//!
//! Classic BPF compares 32-bit words, so `(x & M) op V` on a 64-bit argument becomes a
//! lexicographic comparison of (high word, low word): `x < V` is `hi < Vh || hi == Vh &&
//! lo < Vl`. A part whose mask is zero is the constant 0 and folds away: a mask or value
//! with a zero high word needs no high-word test, and 32-bit arguments never load it.

use crate::bpf::offset;
use crate::policy::{Expr, Test, TestOp};

/// A 32-bit word of `seccomp_data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Word {
    Arch,
    Nr,
    Arg { index: u8, hi: bool },
}

impl Word {
    pub fn offset(self) -> u32 {
        match self {
            Word::Nr => offset::NR,
            Word::Arch => offset::ARCH,
            Word::Arg { index, hi } => offset::arg(index, hi),
        }
    }
}

/// What a switch compares: a word ANDed with a mask (`u32::MAX`: the whole word).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Var {
    pub word: Word,
    pub mask: u32,
}

impl Var {
    pub fn whole(word: Word) -> Var {
        Var {
            word,
            mask: u32::MAX,
        }
    }
}

/// A predicate on a variable's 32-bit value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pred {
    Eq(u32),
    Lt(u32),
    Le(u32),
    Gt(u32),
    Ge(u32),
    /// Sorted, deduplicated.
    In(Vec<u32>),
}

impl Pred {
    pub fn eval(&self, x: u32) -> bool {
        match self {
            Pred::Eq(v) => x == *v,
            Pred::Lt(v) => x < *v,
            Pred::Le(v) => x <= *v,
            Pred::Gt(v) => x > *v,
            Pred::Ge(v) => x >= *v,
            Pred::In(vs) => vs.binary_search(&x).is_ok(),
        }
    }

    /// Values where the predicate's truth may change (it is constant on every interval
    /// between consecutive breakpoints).
    pub fn breakpoints(&self, out: &mut Vec<u32>) {
        let mut edge = |v: u32| {
            out.push(v);
            if let Some(n) = v.checked_add(1) {
                out.push(n);
            }
        };
        match self {
            Pred::Eq(v) => edge(*v),
            Pred::Lt(v) | Pred::Ge(v) => out.push(*v),
            Pred::Le(v) | Pred::Gt(v) => {
                if let Some(n) = v.checked_add(1) {
                    out.push(n);
                }
            }
            Pred::In(vs) => vs.iter().for_each(|v| edge(*v)),
        }
    }
}

/// A formula over 32-bit predicates.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum F {
    Atom(Var, Pred),
    Not(Box<F>),
    And(Vec<F>),
    Or(Vec<F>),
    Const(bool),
}

impl F {
    /// Evaluates with a value for every variable.
    pub fn eval(&self, val: &impl Fn(Var) -> u32) -> bool {
        match self {
            F::Atom(v, p) => p.eval(val(*v)),
            F::Not(f) => !f.eval(val),
            F::And(v) => v.iter().all(|f| f.eval(val)),
            F::Or(v) => v.iter().any(|f| f.eval(val)),
            F::Const(b) => *b,
        }
    }

    /// The first variable in evaluation order.
    pub fn first_var(&self) -> Option<Var> {
        match self {
            F::Atom(v, _) => Some(*v),
            F::Not(f) => f.first_var(),
            F::And(v) | F::Or(v) => v.iter().find_map(F::first_var),
            F::Const(_) => None,
        }
    }

    /// Adds the breakpoints of every predicate on `var`.
    pub fn breakpoints(&self, var: Var, out: &mut Vec<u32>) {
        match self {
            F::Atom(v, p) if *v == var => p.breakpoints(out),
            F::Atom(..) | F::Const(_) => {}
            F::Not(f) => f.breakpoints(var, out),
            F::And(v) | F::Or(v) => v.iter().for_each(|f| f.breakpoints(var, out)),
        }
    }

    /// Replaces every predicate on `var` by its value at `x`, and simplifies.
    pub fn substitute(&self, var: Var, x: u32) -> F {
        match self {
            F::Atom(v, p) if *v == var => F::Const(p.eval(x)),
            F::Atom(..) | F::Const(_) => self.clone(),
            F::Not(f) => not(f.substitute(var, x)),
            F::And(v) => and(v.iter().map(|f| f.substitute(var, x)).collect()),
            F::Or(v) => or(v.iter().map(|f| f.substitute(var, x)).collect()),
        }
    }
}

/// A predicate on `var`, folded to a constant when the masked value makes it one.
fn atom(var: Var, pred: Pred) -> F {
    let max = var.mask; // the largest value `word & mask` can take
    let c = match &pred {
        Pred::Eq(v) if v & !var.mask != 0 => Some(false),
        Pred::Lt(0) => Some(false),
        Pred::Lt(v) if *v > max => Some(true),
        Pred::Le(v) if *v >= max => Some(true),
        Pred::Gt(v) if *v >= max => Some(false),
        Pred::Ge(0) => Some(true),
        Pred::Ge(v) if *v > max => Some(false),
        Pred::In(vs) if vs.iter().all(|v| v & !var.mask != 0) => Some(false),
        _ => None,
    };
    match c {
        Some(b) => F::Const(b),
        None => match pred {
            Pred::In(vs) if vs.len() == 1 => F::Atom(var, Pred::Eq(vs[0])),
            Pred::In(vs) => F::Atom(
                var,
                Pred::In(vs.into_iter().filter(|v| v & !var.mask == 0).collect()),
            ),
            p => F::Atom(var, p),
        },
    }
}

pub fn not(f: F) -> F {
    match f {
        F::Const(b) => F::Const(!b),
        F::Not(inner) => *inner,
        f => F::Not(Box::new(f)),
    }
}

pub fn and(parts: Vec<F>) -> F {
    let mut out = Vec::new();
    for p in parts {
        match p {
            F::Const(true) => {}
            F::Const(false) => return F::Const(false),
            F::And(v) => out.extend(v),
            p => {
                if !out.contains(&p) {
                    out.push(p)
                }
            }
        }
    }
    match out.len() {
        0 => F::Const(true),
        1 => out.pop().expect("one"),
        _ => F::And(out),
    }
}

pub fn or(parts: Vec<F>) -> F {
    let mut out = Vec::new();
    for p in parts {
        match p {
            F::Const(false) => {}
            F::Const(true) => return F::Const(true),
            F::Or(v) => out.extend(v),
            p => {
                if !out.contains(&p) {
                    out.push(p)
                }
            }
        }
    }
    match out.len() {
        0 => F::Const(false),
        1 => out.pop().expect("one"),
        _ => F::Or(out),
    }
}

/// Lowers a checked condition.
pub fn lower(e: &Expr) -> F {
    match e {
        Expr::Test(t) => lower_test(t),
        Expr::Not(e) => not(lower(e)),
        Expr::And(v) => and(v.iter().map(lower).collect()),
        Expr::Or(v) => or(v.iter().map(lower).collect()),
        Expr::Const(b) => F::Const(*b),
    }
}

/// One half of a masked 64-bit value: a variable, or the constant 0 when its mask is 0.
#[derive(Clone, Copy)]
struct Half(Option<Var>);

impl Half {
    fn pred(self, p: Pred) -> F {
        match self.0 {
            Some(v) => atom(v, p),
            None => F::Const(p.eval(0)),
        }
    }
}

fn lower_test(t: &Test) -> F {
    let half = |hi: bool| {
        let m = if hi {
            (t.mask >> 32) as u32
        } else {
            t.mask as u32
        };
        Half((m != 0).then_some(Var {
            word: Word::Arg { index: t.arg, hi },
            mask: m,
        }))
    };
    let (h, l) = (half(true), half(false));
    let split = |v: u64| ((v >> 32) as u32, v as u32);
    let eq = |v: u64| {
        let (vh, vl) = split(v);
        and(vec![h.pred(Pred::Eq(vh)), l.pred(Pred::Eq(vl))])
    };
    // `hi op_h vh || hi == vh && lo op_l vl`
    let lex = |v: u64, strict_hi: Pred, lo: Pred| {
        let (vh, _) = split(v);
        or(vec![
            h.pred(strict_hi),
            and(vec![h.pred(Pred::Eq(vh)), l.pred(lo)]),
        ])
    };
    match &t.op {
        TestOp::Eq(v) => eq(*v),
        TestOp::Ne(v) => not(eq(*v)),
        TestOp::Lt(v) => lex(*v, Pred::Lt(split(*v).0), Pred::Lt(split(*v).1)),
        TestOp::Le(v) => lex(*v, Pred::Lt(split(*v).0), Pred::Le(split(*v).1)),
        TestOp::Gt(v) => lex(*v, Pred::Gt(split(*v).0), Pred::Gt(split(*v).1)),
        TestOp::Ge(v) => lex(*v, Pred::Gt(split(*v).0), Pred::Ge(split(*v).1)),
        TestOp::In(vs) => {
            // Group by high word so each is tested once.
            let mut groups: Vec<(u32, Vec<u32>)> = Vec::new();
            for &v in vs {
                let (vh, vl) = split(v);
                match groups.iter_mut().find(|(h, _)| *h == vh) {
                    Some((_, ls)) => ls.push(vl),
                    None => groups.push((vh, vec![vl])),
                }
            }
            or(groups
                .into_iter()
                .map(|(vh, mut ls)| {
                    ls.sort_unstable();
                    ls.dedup();
                    and(vec![h.pred(Pred::Eq(vh)), l.pred(Pred::In(ls))])
                })
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;
    use crate::tables::Width;

    fn test(width: Width, mask: u64, op: TestOp) -> Test {
        Test {
            arg: 0,
            width,
            mask: mask & width.mask(),
            op,
            span: Span::default(),
        }
    }

    /// Exhaustive-ish check: the lowered formula agrees with the 64-bit test.
    #[test]
    fn lowering_agrees_with_the_test() {
        let vals = [
            0u64,
            1,
            2,
            0xffff_ffff,
            0x1_0000_0000,
            0x1_0000_0001,
            0xdead_0000_0001,
            u64::MAX,
            u64::MAX - 1,
            0x8000_0000_0000_0000,
        ];
        for width in [Width::W32, Width::W64, Width::W16] {
            for mask in [u64::MAX, 0xff, 0xffff_0000_0000, 0x7e02_0000] {
                for &v in &vals {
                    let v = v & mask & width.mask();
                    let ops = [
                        TestOp::Eq(v),
                        TestOp::Ne(v),
                        TestOp::Lt(v),
                        TestOp::Le(v),
                        TestOp::Gt(v),
                        TestOp::Ge(v),
                        TestOp::In(vec![0, v]),
                    ];
                    for op in ops {
                        let t = test(width, mask, op);
                        let f = lower_test(&t);
                        for &x in &vals {
                            let val = |var: Var| {
                                let Word::Arg { hi, .. } = var.word else {
                                    unreachable!()
                                };
                                (if hi { (x >> 32) as u32 } else { x as u32 }) & var.mask
                            };
                            assert_eq!(f.eval(&val), t.eval(x), "{t:?} on {x:#x}: {f:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn zero_high_mask_needs_no_high_word() {
        let f = lower_test(&test(Width::W64, 0x7e02_0000, TestOp::Eq(0)));
        assert_eq!(
            f.first_var().map(|v| v.word),
            Some(Word::Arg {
                index: 0,
                hi: false
            })
        );
        let mut vars = Vec::new();
        fn collect(f: &F, out: &mut Vec<Var>) {
            match f {
                F::Atom(v, _) => out.push(*v),
                F::Not(f) => collect(f, out),
                F::And(v) | F::Or(v) => v.iter().for_each(|f| collect(f, out)),
                F::Const(_) => {}
            }
        }
        collect(&f, &mut vars);
        assert!(vars.iter().all(|v| v.word
            == Word::Arg {
                index: 0,
                hi: false
            }));
    }
}
