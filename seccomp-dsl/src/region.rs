//! Sets of argument vectors as unions of boxes, for what needs boxes: the rules of an
//! exported OCI profile (one box, one libseccomp rule) and the overlap of imported
//! ones. (Comparing policies uses [`crate::bdd`], exact whatever the conditions.)
//!
//! A [`Region`] is a union of boxes ([`Conj`]); a box fixes some bits of each argument
//! (a [`Cube`]: `arg & mask == value`). Every condition of the language is exactly such a
//! union: `==` is one cube, `!=` one cube per bit of the mask, an ordered comparison the
//! aligned blocks of its interval, `in` one cube per value. A box needs at most one
//! comparison per argument, which is what libseccomp (and so an OCI profile) can express
//! in one rule: `MASKED_EQ`.
//!
//! Masks already include the argument's width, so a region of a 32-bit argument never
//! looks at the high word: exactly what the kernel and the policy language do.

use crate::Action;
use crate::policy::{ArchPolicy, Expr, Test, TestOp};
use crate::tables::Width;

/// `x & mask == value`, with `value & !mask == 0`. `mask == 0` is every value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cube {
    pub mask: u64,
    pub value: u64,
}

impl Cube {
    /// Every value.
    pub const ANY: Cube = Cube { mask: 0, value: 0 };

    /// Whether `x` is in the cube.
    pub fn contains(self, x: u64) -> bool {
        x & self.mask == self.value
    }

    /// The intersection, if not empty.
    pub fn and(self, o: Cube) -> Option<Cube> {
        let common = self.mask & o.mask;
        (self.value & common == o.value & common).then_some(Cube {
            mask: self.mask | o.mask,
            value: self.value | o.value,
        })
    }

    /// Whether every value of `self` is in `o`.
    pub fn within(self, o: Cube) -> bool {
        self.mask & o.mask == o.mask && self.value & o.mask == o.value
    }
}

/// A box: one cube per argument (ANDed).
pub type Conj = [Cube; 6];

/// The box of every argument vector.
pub const ALL: Conj = [Cube::ANY; 6];

/// The region grew past [`LIMIT`] boxes: the condition is too complex to expand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooBig;

/// Most boxes a region may hold.
pub const LIMIT: usize = 4096;

/// A union of boxes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Region {
    pub conjs: Vec<Conj>,
}

/// The bits above bit `k`.
fn above(k: u32) -> u64 {
    if k >= 63 { 0 } else { !((1u64 << (k + 1)) - 1) }
}

/// `x & m < v` as cubes (the usual prefix decomposition: for each bit `k` set in `v`,
/// the bits above agree with `v` and bit `k` is clear).
fn lt_cubes(m: u64, v: u64) -> Vec<Cube> {
    let mut out = Vec::new();
    for k in (0..64).rev() {
        let hi = above(k);
        if v & hi & !m != 0 {
            break; // above k, v has a bit x & m never has: x & m < v already decided
        }
        if v >> k & 1 == 1 {
            let bit = 1u64 << k;
            out.push(Cube {
                mask: (m & hi) | (m & bit),
                value: v & m & hi,
            });
            if m & bit == 0 {
                break; // bit k of x & m is always clear: every lower k is inside this cube
            }
        }
    }
    out
}

/// `x & m > v` as cubes.
fn gt_cubes(m: u64, v: u64) -> Vec<Cube> {
    let mut out = Vec::new();
    for k in (0..64).rev() {
        let hi = above(k);
        if v & hi & !m != 0 {
            break;
        }
        let bit = 1u64 << k;
        if v & bit == 0 {
            if m & bit != 0 {
                out.push(Cube {
                    mask: (m & hi) | bit,
                    value: (v & m & hi) | bit,
                });
            }
        } else if m & bit == 0 {
            break; // x & m has 0 where v has 1: smaller from here on
        }
    }
    out
}

/// The cubes of one test, or of its negation.
fn test_cubes(t: &Test, negated: bool) -> Vec<Cube> {
    let m = t.mask;
    let eq = |v: u64| -> Vec<Cube> {
        if v & !m != 0 {
            Vec::new()
        } else {
            vec![Cube { mask: m, value: v }]
        }
    };
    // Disjoint pieces, highest bit first: the bits above agree with `v`, bit k differs.
    // With a width mask each piece is an aligned interval.
    let ne = |v: u64| -> Vec<Cube> {
        if v & !m != 0 {
            return vec![Cube::ANY];
        }
        (0..64u32)
            .rev()
            .filter(|&k| m >> k & 1 == 1)
            .map(|k| {
                let bit = 1u64 << k;
                Cube {
                    mask: (m & above(k)) | bit,
                    value: (v & m & above(k)) | (!v & bit),
                }
            })
            .collect()
    };
    let le = |v: u64| {
        if v >= m {
            vec![Cube::ANY]
        } else {
            lt_cubes(m, v + 1)
        }
    };
    let ge = |v: u64| {
        if v == 0 {
            vec![Cube::ANY]
        } else {
            gt_cubes(m, v - 1)
        }
    };
    match (&t.op, negated) {
        (TestOp::Eq(v), false) | (TestOp::Ne(v), true) => eq(*v),
        (TestOp::Ne(v), false) | (TestOp::Eq(v), true) => ne(*v),
        (TestOp::Lt(v), false) | (TestOp::Ge(v), true) => lt_cubes(m, *v),
        (TestOp::Le(v), false) | (TestOp::Gt(v), true) => le(*v),
        (TestOp::Gt(v), false) | (TestOp::Le(v), true) => gt_cubes(m, *v),
        (TestOp::Ge(v), false) | (TestOp::Lt(v), true) => ge(*v),
        (TestOp::In(vs), false) => vs.iter().flat_map(|&v| eq(v)).collect(),
        (TestOp::In(vs), true) => {
            // The gaps between the values, when the mask is a plain width mask; else the
            // intersection of the single-value complements.
            let mut acc = vec![Cube::ANY];
            for &v in vs {
                let next = ne(v);
                let mut out = Vec::new();
                for a in &acc {
                    for b in &next {
                        if let Some(c) = a.and(*b) {
                            out.push(c);
                        }
                    }
                }
                acc = minimise_cubes(out);
            }
            acc
        }
    }
}

/// Drops cubes inside others.
fn minimise_cubes(mut cs: Vec<Cube>) -> Vec<Cube> {
    cs.sort_unstable_by_key(|c| (c.mask.count_ones(), c.mask, c.value));
    cs.dedup();
    let mut out: Vec<Cube> = Vec::new();
    for c in cs {
        if !out.iter().any(|o| c.within(*o)) {
            out.push(c);
        }
    }
    out
}

fn conj_within(a: &Conj, b: &Conj) -> bool {
    a.iter().zip(b).all(|(x, y)| x.within(*y))
}

/// `a` without `b`, as disjoint boxes appended to `out`.
fn conj_minus(a: &Conj, b: &Conj, out: &mut Vec<Conj>) {
    if conj_and(a, b).is_none() {
        out.push(*a);
        return;
    }
    // Walk the bits `b` fixes and `a` leaves free: the piece where that bit differs from
    // `b` (and the earlier ones agree) is outside `b`.
    let mut cur = *a;
    for i in 0..6 {
        let free = b[i].mask & !cur[i].mask;
        // Highest bit first, so that each piece of an interval is an interval.
        for k in (0..64).rev() {
            let bit = 1u64 << k;
            if free & bit == 0 {
                continue;
            }
            let mut piece = cur;
            piece[i].mask |= bit;
            piece[i].value |= !b[i].value & bit;
            out.push(piece);
            cur[i].mask |= bit;
            cur[i].value |= b[i].value & bit;
        }
    }
}

fn conj_and(a: &Conj, b: &Conj) -> Option<Conj> {
    let mut out = ALL;
    for i in 0..6 {
        out[i] = a[i].and(b[i])?;
    }
    Some(out)
}

impl Region {
    /// No argument vector.
    pub fn none() -> Region {
        Region { conjs: Vec::new() }
    }

    /// Every argument vector.
    pub fn all() -> Region {
        Region { conjs: vec![ALL] }
    }

    pub fn is_empty(&self) -> bool {
        self.conjs.is_empty()
    }

    /// Whether the region is every argument vector (as far as one box shows).
    pub fn is_all(&self) -> bool {
        self.conjs.contains(&ALL)
    }

    /// Whether the region holds this argument vector.
    pub fn contains(&self, args: &[u64; 6]) -> bool {
        self.conjs
            .iter()
            .any(|c| c.iter().zip(args).all(|(cube, &x)| cube.contains(x)))
    }

    /// The region of one argument's cubes.
    fn of_arg(arg: u8, cubes: Vec<Cube>) -> Region {
        Region {
            conjs: cubes
                .into_iter()
                .map(|c| {
                    let mut conj = ALL;
                    conj[usize::from(arg)] = c;
                    conj
                })
                .collect(),
        }
    }

    /// The calls a condition matches (or, `negated`, does not match).
    pub fn of_expr(e: &Expr, negated: bool) -> Result<Region, TooBig> {
        match e {
            Expr::Const(b) => Ok(if *b != negated {
                Region::all()
            } else {
                Region::none()
            }),
            Expr::Test(t) => Ok(Region::of_arg(t.arg, test_cubes(t, negated))),
            Expr::Not(e) => Region::of_expr(e, !negated),
            Expr::And(v) | Expr::Or(v) => {
                let conj = matches!(e, Expr::And(_)) != negated;
                let mut acc = if conj { Region::all() } else { Region::none() };
                for e in v {
                    let r = Region::of_expr(e, negated)?;
                    acc = if conj { acc.and(&r)? } else { acc.or(&r)? };
                }
                Ok(acc)
            }
        }
    }

    /// The calls a rule's condition matches (`None`: every call).
    pub fn of_cond(cond: Option<&Expr>) -> Result<Region, TooBig> {
        cond.map_or(Ok(Region::all()), |c| Region::of_expr(c, false))
    }

    /// Intersection.
    pub fn and(&self, o: &Region) -> Result<Region, TooBig> {
        let mut out = Vec::new();
        for a in &self.conjs {
            for b in &o.conjs {
                if let Some(c) = conj_and(a, b) {
                    out.push(c);
                    if out.len() > LIMIT * 4 {
                        return Err(TooBig);
                    }
                }
            }
        }
        Region { conjs: out }.simplified()
    }

    /// Union.
    pub fn or(&self, o: &Region) -> Result<Region, TooBig> {
        let mut conjs = self.conjs.clone();
        conjs.extend_from_slice(&o.conjs);
        Region { conjs }.simplified()
    }

    /// Complement.
    pub fn not(&self) -> Result<Region, TooBig> {
        Region::all().minus(self)
    }

    /// `self` without `o`: each box of `o` is cut out of each box of `self`, leaving
    /// disjoint pieces (one per bit `o` fixes that the box does not).
    pub fn minus(&self, o: &Region) -> Result<Region, TooBig> {
        let mut pieces = self.conjs.clone();
        for b in &o.conjs {
            let mut next = Vec::new();
            for a in &pieces {
                conj_minus(a, b, &mut next);
                if next.len() > LIMIT * 4 {
                    return Err(TooBig);
                }
            }
            pieces = Region { conjs: next }.simplified()?.conjs;
        }
        Ok(Region { conjs: pieces })
    }

    /// Drops boxes inside others and merges pairs that differ in one bit of one argument,
    /// to a fixed point.
    pub fn simplified(mut self) -> Result<Region, TooBig> {
        loop {
            self.conjs.sort_unstable();
            self.conjs.dedup();
            // Larger boxes (fewer fixed bits) first, so inclusion is checked against them.
            self.conjs
                .sort_by_key(|c| c.iter().map(|x| x.mask.count_ones()).sum::<u32>());
            let mut kept: Vec<Conj> = Vec::with_capacity(self.conjs.len());
            for c in &self.conjs {
                if !kept.iter().any(|k| conj_within(c, k)) {
                    kept.push(*c);
                }
            }
            let merged = merge_pass(&mut kept);
            self.conjs = kept;
            if self.conjs.len() > LIMIT {
                return Err(TooBig);
            }
            if !merged {
                self.conjs.sort_unstable();
                return Ok(self);
            }
        }
    }
}

/// Merges one pair of boxes equal but for one bit of one argument's value; true if it did.
fn merge_pass(cs: &mut Vec<Conj>) -> bool {
    if cs.len() > 512 {
        return false; // quadratic; inclusion pruning alone is enough for big regions
    }
    for i in 0..cs.len() {
        for j in i + 1..cs.len() {
            let (a, b) = (cs[i], cs[j]);
            let mut diff = None;
            let mut ok = true;
            for k in 0..6 {
                if a[k] == b[k] {
                    continue;
                }
                let d = a[k].value ^ b[k].value;
                // Only the lowest fixed bit: merging keeps intervals intervals.
                let lowest = a[k].mask & a[k].mask.wrapping_neg();
                if diff.is_some() || a[k].mask != b[k].mask || d != lowest {
                    ok = false;
                    break;
                }
                diff = Some((k, d));
            }
            if let (true, Some((k, d))) = (ok, diff) {
                let mut m = a;
                m[k] = Cube {
                    mask: a[k].mask & !d,
                    value: a[k].value & !d,
                };
                cs[i] = m;
                cs.swap_remove(j);
                return true;
            }
        }
    }
    false
}

/// What a policy does with the calls of one syscall: for each action, the argument
/// vectors that get it (first match wins, then the default). The regions are disjoint and
/// cover every vector.
pub fn decide(policy: &ArchPolicy, nr: u32) -> Result<Vec<(Action, Region)>, TooBig> {
    let mut out: Vec<(Action, Region)> = Vec::new();
    let mut add = |a: Action, r: Region| -> Result<(), TooBig> {
        if r.is_empty() {
            return Ok(());
        }
        match out.iter_mut().find(|(x, _)| *x == a) {
            Some((_, acc)) => *acc = acc.or(&r)?,
            None => out.push((a, r)),
        }
        Ok(())
    };
    let mut rest = Region::all();
    for (_, rule) in policy.rules_for(nr) {
        if rest.is_empty() {
            break;
        }
        let cond = Region::of_cond(rule.cond.as_ref())?;
        add(rule.action, rest.and(&cond)?)?;
        rest = rest.minus(&cond)?;
    }
    add(policy.default, rest)?;
    Ok(out)
}

/// The width mask of an argument (`u64::MAX` for 64-bit ones).
pub fn width_mask(w: Width) -> u64 {
    w.mask()
}

/// Every comparison with `v` (and `in {v, also...}`), for tests of exactness.
#[cfg(test)]
pub(crate) fn every_op(v: u64, also: [u64; 2]) -> [TestOp; 7] {
    let mut set = vec![v, also[0], also[1]];
    set.sort_unstable();
    set.dedup();
    [
        TestOp::Eq(v),
        TestOp::Ne(v),
        TestOp::Lt(v),
        TestOp::Le(v),
        TestOp::Gt(v),
        TestOp::Ge(v),
        TestOp::In(set),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn test(op: TestOp, mask: u64) -> Expr {
        Expr::Test(Test {
            arg: 0,
            width: Width::W32,
            mask,
            op,
            span: Span::default(),
        })
    }

    const SAMPLES: [u64; 14] = [
        0,
        1,
        2,
        37,
        38,
        39,
        40,
        41,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_fffe,
        0xffff_ffff,
        0xdead_0000_0000_0028,
        u64::MAX,
    ];

    #[test]
    fn every_operator_matches_the_test_it_came_from() {
        let masks = [0xffff_ffff, 0xff, 0x7e02_0000, 0xffff_00f0];
        let values = [0, 1, 38, 40, 0x7e02_0000, 0xffff_ffff, 0x0002_0000];
        for m in masks {
            for v in values {
                for op in every_op(v, [38, 40]) {
                    let e = test(op.clone(), m);
                    for neg in [false, true] {
                        let r = Region::of_expr(&e, neg).unwrap();
                        for x in SAMPLES.iter().chain(&values).copied() {
                            let args = [x, 0, 0, 0, 0, 0];
                            assert_eq!(
                                r.contains(&args),
                                e.eval(&args) != neg,
                                "{op:?} mask {m:#x} negated {neg} at {x:#x}: {r:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn complement_and_difference_are_exact() {
        let a = Region::of_expr(&test(TestOp::Lt(40), 0xffff_ffff), false).unwrap();
        let b = Region::of_expr(&test(TestOp::In(vec![1, 39]), 0xffff_ffff), false).unwrap();
        let d = a.minus(&b).unwrap();
        let n = a.not().unwrap();
        for x in SAMPLES {
            let args = [x, 0, 0, 0, 0, 0];
            let lo = x & 0xffff_ffff;
            assert_eq!(d.contains(&args), lo < 40 && lo != 1 && lo != 39, "{x:#x}");
            assert_eq!(n.contains(&args), lo >= 40, "{x:#x}");
        }
        assert!(a.and(&n).unwrap().is_empty());
        let u = a.or(&n).unwrap();
        assert!(SAMPLES.iter().all(|&x| u.contains(&[x, 0, 0, 0, 0, 0])));
    }
}
