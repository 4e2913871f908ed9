//! Reduced ordered binary decision diagrams over the bits of the six argument registers:
//! the exact, canonical form of what a policy does with the calls of one syscall, so
//! that two policies can be compared exactly ([`crate::diff`]), whatever their
//! conditions.
//!
//! A variable is one bit of one argument. A test `x & mask op value` is a chain of at
//! most one node per bit of `mask` (a comparator read from the top bit down), `in` of
//! `n` values a trie of at most `64 n` nodes, and a 32-bit argument (whose masks never
//! reach the high word) never tests bits 32..64. Nodes are hash-consed and reduced (no
//! node whose two children are equal), so one function has exactly one node: two
//! policies decide a syscall the same way if and only if their diagrams are the same
//! node of one [`Manager`].
//!
//! The order of the variables decides the size. [`Order::arg_major`] (argument 0
//! first, each argument's high bit first) keeps conditions on separate arguments
//! small and is the order results are shown in; [`Order::first_seen`] follows the order
//! in which the conditions test the bits, as the compiler's own decision diagram does,
//! so that conditions that pair bits of different arguments (`a & 1 != 0 && b & 1 != 0
//! || a & 2 != 0 && b & 2 != 0 || ...`, exponential in the first order) stay linear.
//!
//! Diagrams are *multi-terminal*: a leaf holds a value, `0` and `1` for conditions
//! (false, true), and larger values for actions (a policy's decision for a syscall is a
//! diagram whose leaves are its actions; the first rule whose condition holds decides).
//! The total number of nodes is bounded ([`Manager::new`]) so that no input can exhaust
//! memory; exceeding it is [`TooBig`].

use std::collections::HashMap;
use std::sync::Arc;

use crate::policy::{Expr, Test, TestOp};
use crate::region::Cube;

/// A node of a [`Manager`]: an index into its table.
pub type Id = u32;

/// The leaf `false` (value 0) of every manager.
pub const FALSE: Id = 0;
/// The leaf `true` (value 1) of every manager.
pub const TRUE: Id = 1;

/// What [`Manager::post_order`] asks of each node: its id, the node, and (the second
/// time) what its children were mapped to; `Some` maps it.
type Visit<'f> = dyn FnMut(Id, Node, Option<(Id, Id)>) -> Result<Option<Id>, TooBig> + 'f;

/// The variable of leaves: below every bit.
const LEAF: u16 = u16::MAX;

/// The diagram grew past its manager's node budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooBig;

/// A node: a leaf (`var == LEAF`, its value in `lo`) or a test of bit `var` (see
/// [`Order`]), `lo` when the bit is 0 and `hi` when it is 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Node {
    var: u16,
    lo: Id,
    hi: Id,
}

/// The order of the variables: each (argument, bit) has a level, smaller nearer the
/// root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// Level of bit `b` of argument `a` at `a * 64 + b`.
    level: Vec<u16>,
    /// (argument, bit) of each level.
    var: Vec<(u8, u8)>,
}

impl Order {
    /// Argument 0 first, each argument's most significant bit first.
    pub fn arg_major() -> Order {
        Order::from_sequence((0..6u8).flat_map(|a| (0..64u8).rev().map(move |b| (a, b))))
    }

    /// The bits in the order `tests` (argument, mask) first test them, each mask read
    /// from its high bit down; then every other bit, argument-major.
    pub fn first_seen(tests: impl IntoIterator<Item = (u8, u64)>) -> Order {
        let seen = tests.into_iter().flat_map(|(a, m)| {
            (0..64u8)
                .rev()
                .filter(move |b| m >> b & 1 == 1)
                .map(move |b| (a, b))
        });
        let rest = (0..6u8).flat_map(|a| (0..64u8).rev().map(move |b| (a, b)));
        Order::from_sequence(seen.chain(rest))
    }

    fn from_sequence(seq: impl IntoIterator<Item = (u8, u8)>) -> Order {
        let mut level = vec![u16::MAX; 6 * 64];
        let mut var = Vec::with_capacity(6 * 64);
        for (a, b) in seq {
            let i = usize::from(a) * 64 + usize::from(b);
            if level[i] == u16::MAX {
                level[i] = var.len() as u16;
                var.push((a, b));
            }
        }
        Order { level, var }
    }

    /// The variable of bit `bit` of argument `arg`.
    fn level(&self, arg: u8, bit: u32) -> u16 {
        self.level[usize::from(arg) * 64 + bit as usize]
    }

    /// The argument and bit of a variable.
    fn arg_bit(&self, var: u16) -> (usize, u32) {
        let (a, b) = self.var[usize::from(var)];
        (usize::from(a), u32::from(b))
    }

    fn is_arg_major(&self) -> bool {
        self.var
            .iter()
            .enumerate()
            .all(|(i, &(a, b))| i == usize::from(a) * 64 + 63 - usize::from(b))
    }
}

/// The nodes of a set of diagrams, hash-consed, with a budget.
#[derive(Clone, Debug)]
pub struct Manager {
    nodes: Vec<Node>,
    unique: HashMap<Node, Id>,
    budget: usize,
    order: Arc<Order>,
}

impl Manager {
    /// An empty manager in [`Order::arg_major`] that refuses to hold more than `budget`
    /// nodes.
    pub fn new(budget: usize) -> Manager {
        static ARG_MAJOR: std::sync::OnceLock<Arc<Order>> = std::sync::OnceLock::new();
        let order = ARG_MAJOR.get_or_init(|| Arc::new(Order::arg_major()));
        Manager::with_order(order.clone(), budget)
    }

    /// An empty manager with this order of the variables.
    pub fn with_order(order: Arc<Order>, budget: usize) -> Manager {
        let mut m = Manager {
            nodes: Vec::new(),
            unique: HashMap::new(),
            budget,
            order,
        };
        m.intern(Node {
            var: LEAF,
            lo: 0,
            hi: 0,
        });
        m.intern(Node {
            var: LEAF,
            lo: 1,
            hi: 0,
        });
        m
    }

    fn intern(&mut self, n: Node) -> Id {
        if let Some(&id) = self.unique.get(&n) {
            return id;
        }
        let id = self.nodes.len() as Id;
        self.nodes.push(n);
        self.unique.insert(n, id);
        id
    }

    /// How many nodes the manager holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether it holds only the two boolean leaves.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    /// The leaf holding `value`.
    pub fn leaf(&mut self, value: u32) -> Id {
        self.intern(Node {
            var: LEAF,
            lo: value,
            hi: 0,
        })
    }

    /// The value of a leaf (`None` for an inner node).
    pub fn value(&self, id: Id) -> Option<u32> {
        let n = self.nodes[id as usize];
        (n.var == LEAF).then_some(n.lo)
    }

    fn node(&self, id: Id) -> Node {
        self.nodes[id as usize]
    }

    /// The node testing `var`, reduced: equal children are that child.
    fn mk(&mut self, var: u16, lo: Id, hi: Id) -> Result<Id, TooBig> {
        if lo == hi {
            return Ok(lo);
        }
        if self.nodes.len() >= self.budget {
            return Err(TooBig);
        }
        Ok(self.intern(Node { var, lo, hi }))
    }

    /// The children of `id` for variable `var` (both `id` when it does not test it).
    fn cofactors(&self, id: Id, var: u16) -> (Id, Id) {
        let n = self.node(id);
        if n.var == var { (n.lo, n.hi) } else { (id, id) }
    }

    /// `(arg & mask) op value` on the bits of `mask`, unsigned: `less`, `equal` and
    /// `greater` say whether the test holds in each case. Built as a chain from the low
    /// bit up, which needs each argument's high bits first: in another order it is
    /// built in a scratch manager and imported.
    fn compare(
        &mut self,
        arg: u8,
        mask: u64,
        value: u64,
        outcomes: [bool; 3],
    ) -> Result<Id, TooBig> {
        if self.high_bits_first(arg, mask) {
            return self.chain(arg, mask, value, outcomes);
        }
        let mut scratch = Manager::new(usize::MAX);
        let root = scratch.chain(arg, mask, value, outcomes)?;
        self.import(&scratch, root)
    }

    /// Whether the bits of `mask` of `arg` come high bit first in this order.
    fn high_bits_first(&self, arg: u8, mask: u64) -> bool {
        let levels: Vec<u16> = (0..64u32)
            .rev()
            .filter(|b| mask >> b & 1 == 1)
            .map(|b| self.order.level(arg, b))
            .collect();
        levels.windows(2).all(|w| w[0] < w[1])
    }

    /// A diagram of another manager, rebuilt in this one's order.
    pub fn import(&mut self, other: &Manager, root: Id) -> Result<Id, TooBig> {
        other.post_order(root, &mut |_, n, kids| {
            Ok(match kids {
                None if n.var == LEAF => Some(self.leaf(n.lo)),
                None => None,
                Some((lo, hi)) => {
                    let (arg, bit) = other.order.arg_bit(n.var);
                    let x = self.mk(self.order.level(arg as u8, bit), FALSE, TRUE)?;
                    Some(self.ite(x, hi, lo)?)
                }
            })
        })
    }

    /// Walks the diagram under `root` children first, without recursion, and returns
    /// what `f` maps the root to. `f(id, node, None)` is asked first: `Some(x)` maps the
    /// node to `x` without visiting its children (leaves must be so); `None` visits
    /// them, then `f(id, node, Some((lo, hi)))` maps it given what they mapped to.
    fn post_order(&self, root: Id, f: &mut Visit<'_>) -> Result<Id, TooBig> {
        let mut map: HashMap<Id, Id> = HashMap::new();
        let mut stack = vec![(root, false)];
        while let Some((id, expanded)) = stack.pop() {
            if map.contains_key(&id) {
                continue;
            }
            let n = self.node(id);
            let kids = expanded.then(|| (map[&n.lo], map[&n.hi]));
            match f(id, n, kids)? {
                Some(x) => {
                    map.insert(id, x);
                }
                None if expanded => unreachable!("mapped once its children are"),
                None => stack.extend([(id, true), (n.lo, false), (n.hi, false)]),
            }
        }
        Ok(map[&root])
    }

    fn chain(
        &mut self,
        arg: u8,
        mask: u64,
        value: u64,
        [less, equal, greater]: [bool; 3],
    ) -> Result<Id, TooBig> {
        let (less, greater) = (Id::from(less), Id::from(greater));
        // Built from the lowest bit up: `below` is the result when every bit from here
        // up is equal.
        let mut below = Id::from(equal);
        for bit in 0..64 {
            let v = value >> bit & 1;
            if mask >> bit & 1 == 0 {
                if v == 1 {
                    // The masked value has 0 where `value` has 1: smaller, whatever lies
                    // below.
                    below = less;
                }
                continue;
            }
            let (lo, hi) = if v == 0 {
                (below, greater)
            } else {
                (less, below)
            };
            below = self.mk(self.order.level(arg, bit), lo, hi)?;
        }
        Ok(below)
    }

    /// The argument vectors that pass a test.
    pub fn test(&mut self, t: &Test) -> Result<Id, TooBig> {
        let (arg, m) = (t.arg, t.mask);
        match &t.op {
            TestOp::Eq(v) => self.compare(arg, m, *v, [false, true, false]),
            TestOp::Ne(v) => self.compare(arg, m, *v, [true, false, true]),
            TestOp::Lt(v) => self.compare(arg, m, *v, [true, false, false]),
            TestOp::Le(v) => self.compare(arg, m, *v, [true, true, false]),
            TestOp::Gt(v) => self.compare(arg, m, *v, [false, false, true]),
            TestOp::Ge(v) => self.compare(arg, m, *v, [false, true, true]),
            TestOp::In(vs) => {
                let mut acc = FALSE;
                for &v in vs {
                    let one = self.compare(arg, m, v, [false, true, false])?;
                    acc = self.or(acc, one)?;
                }
                Ok(acc)
            }
        }
    }

    /// The argument vectors a condition matches.
    pub fn expr(&mut self, e: &Expr) -> Result<Id, TooBig> {
        match e {
            Expr::Const(b) => Ok(Id::from(*b)),
            Expr::Test(t) => self.test(t),
            Expr::Not(e) => {
                let inner = self.expr(e)?;
                self.not(inner)
            }
            Expr::And(v) | Expr::Or(v) => {
                let and = matches!(e, Expr::And(_));
                let mut acc = Id::from(and);
                for e in v {
                    let x = self.expr(e)?;
                    acc = if and {
                        self.and(acc, x)?
                    } else {
                        self.or(acc, x)?
                    };
                }
                Ok(acc)
            }
        }
    }

    /// Complement of a condition.
    pub fn not(&mut self, a: Id) -> Result<Id, TooBig> {
        self.map(a, &mut |v| u32::from(v == 0))
    }

    /// Intersection of two conditions.
    pub fn and(&mut self, a: Id, b: Id) -> Result<Id, TooBig> {
        self.bool_op(a, b, true, &mut HashMap::new())
    }

    /// Union of two conditions.
    pub fn or(&mut self, a: Id, b: Id) -> Result<Id, TooBig> {
        self.bool_op(a, b, false, &mut HashMap::new())
    }

    fn bool_op(
        &mut self,
        a: Id,
        b: Id,
        and: bool,
        memo: &mut HashMap<(Id, Id), Id>,
    ) -> Result<Id, TooBig> {
        // The absorbing leaf (false for and, true for or) and the neutral one.
        let (zero, one) = if and { (FALSE, TRUE) } else { (TRUE, FALSE) };
        if a == zero || b == zero {
            return Ok(zero);
        }
        if a == one || a == b {
            return Ok(b);
        }
        if b == one {
            return Ok(a);
        }
        let key = if a < b { (a, b) } else { (b, a) };
        if let Some(&r) = memo.get(&key) {
            return Ok(r);
        }
        let var = self.node(a).var.min(self.node(b).var);
        let (alo, ahi) = self.cofactors(a, var);
        let (blo, bhi) = self.cofactors(b, var);
        let lo = self.bool_op(alo, blo, and, memo)?;
        let hi = self.bool_op(ahi, bhi, and, memo)?;
        let r = self.mk(var, lo, hi)?;
        memo.insert(key, r);
        Ok(r)
    }

    /// `if c then t else e`: `c` a condition, `t` and `e` any diagrams.
    pub fn ite(&mut self, c: Id, t: Id, e: Id) -> Result<Id, TooBig> {
        self.ite_memo(c, t, e, &mut HashMap::new())
    }

    fn ite_memo(
        &mut self,
        c: Id,
        t: Id,
        e: Id,
        memo: &mut HashMap<(Id, Id, Id), Id>,
    ) -> Result<Id, TooBig> {
        if c == TRUE || t == e {
            return Ok(t);
        }
        if c == FALSE {
            return Ok(e);
        }
        if let Some(&r) = memo.get(&(c, t, e)) {
            return Ok(r);
        }
        let var = self.node(c).var.min(self.node(t).var).min(self.node(e).var);
        let (clo, chi) = self.cofactors(c, var);
        let (tlo, thi) = self.cofactors(t, var);
        let (elo, ehi) = self.cofactors(e, var);
        let lo = self.ite_memo(clo, tlo, elo, memo)?;
        let hi = self.ite_memo(chi, thi, ehi, memo)?;
        let r = self.mk(var, lo, hi)?;
        memo.insert((c, t, e), r);
        Ok(r)
    }

    /// The diagram with every leaf value `v` replaced by `f(v)`.
    pub fn map(&mut self, a: Id, f: &mut dyn FnMut(u32) -> u32) -> Result<Id, TooBig> {
        self.map_memo(a, f, &mut HashMap::new())
    }

    fn map_memo(
        &mut self,
        a: Id,
        f: &mut dyn FnMut(u32) -> u32,
        memo: &mut HashMap<Id, Id>,
    ) -> Result<Id, TooBig> {
        if let Some(&r) = memo.get(&a) {
            return Ok(r);
        }
        let n = self.node(a);
        let r = if n.var == LEAF {
            let v = f(n.lo);
            self.leaf(v)
        } else {
            let lo = self.map_memo(n.lo, f, memo)?;
            let hi = self.map_memo(n.hi, f, memo)?;
            self.mk(n.var, lo, hi)?
        };
        memo.insert(a, r);
        Ok(r)
    }

    /// Both diagrams at once: each leaf is `f(value in a, value in b)`.
    pub fn product(
        &mut self,
        a: Id,
        b: Id,
        f: &mut dyn FnMut(u32, u32) -> u32,
    ) -> Result<Id, TooBig> {
        self.product_memo(a, b, f, &mut HashMap::new())
    }

    fn product_memo(
        &mut self,
        a: Id,
        b: Id,
        f: &mut dyn FnMut(u32, u32) -> u32,
        memo: &mut HashMap<(Id, Id), Id>,
    ) -> Result<Id, TooBig> {
        if let Some(&r) = memo.get(&(a, b)) {
            return Ok(r);
        }
        let (na, nb) = (self.node(a), self.node(b));
        let r = if na.var == LEAF && nb.var == LEAF {
            let v = f(na.lo, nb.lo);
            self.leaf(v)
        } else {
            let var = na.var.min(nb.var);
            let (alo, ahi) = self.cofactors(a, var);
            let (blo, bhi) = self.cofactors(b, var);
            let lo = self.product_memo(alo, blo, f, memo)?;
            let hi = self.product_memo(ahi, bhi, f, memo)?;
            self.mk(var, lo, hi)?
        };
        memo.insert((a, b), r);
        Ok(r)
    }

    /// The distinct leaf values reachable from `a`, in increasing order.
    pub fn values(&self, a: Id) -> Vec<u32> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![a];
        let mut out = Vec::new();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id as usize], true) {
                continue;
            }
            let n = self.node(id);
            if n.var == LEAF {
                out.push(n.lo);
            } else {
                stack.extend([n.lo, n.hi]);
            }
        }
        out.sort_unstable();
        out
    }

    /// The condition rooted at `a` (leaves 0 and 1), copied out of the manager.
    pub fn extract(&self, a: Id) -> ArgSet {
        let mut m = Manager::with_order(self.order.clone(), usize::MAX);
        let root = self
            .post_order(a, &mut |_, n, kids| {
                Ok(match kids {
                    None if n.var == LEAF => Some(m.leaf(n.lo)),
                    None => None,
                    Some((lo, hi)) => Some(m.mk(n.var, lo, hi)?),
                })
            })
            .expect("no budget");
        ArgSet { root, m }
    }
}

/// A set of argument vectors: an owned, reduced diagram with leaves false and true.
#[derive(Clone, Debug)]
pub struct ArgSet {
    m: Manager,
    root: Id,
}

impl PartialEq for ArgSet {
    fn eq(&self, other: &ArgSet) -> bool {
        // Reduced, in one order: equal sets have equal shapes.
        self.m.order == other.m.order && self.shape() == other.shape()
    }
}

impl Eq for ArgSet {}

impl ArgSet {
    /// Every argument vector.
    pub fn all() -> ArgSet {
        ArgSet {
            m: Manager::new(usize::MAX),
            root: TRUE,
        }
    }

    /// No argument vector.
    pub fn none() -> ArgSet {
        ArgSet {
            m: Manager::new(usize::MAX),
            root: FALSE,
        }
    }

    /// The nodes in a canonical order (depth first from the root), for equality.
    fn shape(&self) -> Vec<(u16, u32, u32)> {
        let mut order: HashMap<Id, u32> = HashMap::new();
        let mut out = Vec::new();
        let mut stack = vec![self.root];
        while let Some(id) = stack.pop() {
            if order.contains_key(&id) {
                continue;
            }
            order.insert(id, order.len() as u32);
            let n = self.m.node(id);
            out.push(n);
            if n.var != LEAF {
                stack.extend([n.hi, n.lo]);
            }
        }
        out.iter()
            .map(|n| {
                if n.var == LEAF {
                    (n.var, n.lo, 0)
                } else {
                    (n.var, order[&n.lo], order[&n.hi])
                }
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.root == FALSE
    }

    /// Whether the set is every argument vector.
    pub fn is_all(&self) -> bool {
        self.root == TRUE
    }

    /// Whether the set holds these six registers.
    pub fn contains(&self, args: &[u64; 6]) -> bool {
        let mut id = self.root;
        loop {
            let n = self.m.node(id);
            if n.var == LEAF {
                return n.lo == 1;
            }
            let (arg, bit) = self.m.order.arg_bit(n.var);
            id = if args[arg] >> bit & 1 == 1 {
                n.hi
            } else {
                n.lo
            };
        }
    }

    /// One member: the smallest registers, argument by argument (`None` when empty).
    pub fn sample(&self) -> Option<[u64; 6]> {
        let mut args = [0u64; 6];
        let mut id = self.root;
        loop {
            let n = self.m.node(id);
            if n.var == LEAF {
                return (n.lo == 1).then_some(args);
            }
            // A reduced node has two different children, so one of them is not false.
            if n.lo != FALSE {
                id = n.lo;
            } else {
                let (arg, bit) = self.m.order.arg_bit(n.var);
                args[arg] |= 1 << bit;
                id = n.hi;
            }
        }
    }

    /// The same set in [`Order::arg_major`], which [`by_argument`](Self::by_argument)
    /// and the per-argument views need; `None` when that takes more than `budget` nodes.
    pub fn arg_major(&self, budget: usize) -> Option<ArgSet> {
        if self.m.order.is_arg_major() {
            return Some(self.clone());
        }
        let mut m = Manager::new(budget);
        let root = m.import(&self.m, self.root).ok()?;
        Some(m.extract(root))
    }

    /// The set as disjoint boxes, one per path to true: each fixes some bits of each
    /// argument (`x & mask == value`). In any order; at most `cap`, and whether that is
    /// all of them.
    pub fn boxes(&self, cap: usize) -> (Vec<[Cube; 6]>, bool) {
        let mut out = Vec::new();
        let mut stack = vec![(self.root, [Cube::ANY; 6])];
        while let Some((id, c)) = stack.pop() {
            let n = self.m.node(id);
            if n.var == LEAF {
                if n.lo == 1 {
                    if out.len() == cap {
                        return (out, false);
                    }
                    out.push(c);
                }
                continue;
            }
            let (arg, bit) = self.m.order.arg_bit(n.var);
            let b = 1u64 << bit;
            let mut hi = c;
            hi[arg].mask |= b;
            hi[arg].value |= b;
            let mut lo = c;
            lo[arg].mask |= b;
            stack.push((n.hi, hi));
            stack.push((n.lo, lo));
        }
        (out, true)
    }

    /// The set as alternatives that each constrain every argument on its own: the set is
    /// the union of the products `arg0 in s[0] && ... && arg5 in s[5]` (`None`: any
    /// value), which are disjoint. Argument by argument, the values of one argument that
    /// lead to the same condition on the later ones form one set, so this is the fewest
    /// such products for this order of the arguments. At most `cap` alternatives, and
    /// whether that is all of them.
    pub fn by_argument(&self, cap: usize) -> (Vec<[Option<ArgSet>; 6]>, bool) {
        assert!(
            self.m.order.is_arg_major(),
            "by_argument needs Order::arg_major"
        );
        let mut out = Vec::new();
        // (node, next argument, the sets so far); a stack, not recursion.
        let mut stack: Vec<(Id, usize, Vec<Option<ArgSet>>)> = vec![(self.root, 0, Vec::new())];
        while let Some((id, arg, mut sets)) = stack.pop() {
            if id == FALSE {
                continue;
            }
            if id == TRUE || arg == 6 {
                sets.resize(6, None);
                if out.len() == cap {
                    return (out, false);
                }
                out.push(std::array::from_fn(|i| sets[i].take()));
                continue;
            }
            let var = self.m.node(id).var;
            if self.m.order.arg_bit(var).0 > arg {
                sets.push(None);
                stack.push((id, arg + 1, sets));
                continue;
            }
            let exits = self.exits(id, arg);
            // Pushed in reverse so that they come out in order.
            for &e in exits.iter().rev() {
                if e == FALSE {
                    continue;
                }
                let mut next = sets.clone();
                next.push(Some(self.restrict(id, arg, e)));
                stack.push((e, arg + 1, next));
            }
        }
        (out, true)
    }

    /// The nodes below `id` that leave argument `arg` (test a later argument, or are
    /// leaves), in the order met (low values first).
    fn exits(&self, id: Id, arg: usize) -> Vec<Id> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(x) = stack.pop() {
            if !seen.insert(x) {
                continue;
            }
            let n = self.m.node(x);
            if n.var == LEAF || self.m.order.arg_bit(n.var).0 != arg {
                out.push(x);
            } else {
                stack.extend([n.hi, n.lo]);
            }
        }
        out
    }

    /// The values of argument `arg` that lead from `id` to `exit`: a set on that
    /// argument alone.
    fn restrict(&self, id: Id, arg: usize, exit: Id) -> ArgSet {
        let mut m = Manager::new(usize::MAX);
        let order = &self.m.order;
        let root = self
            .m
            .post_order(id, &mut |x, n, kids| {
                Ok(match kids {
                    None if x == exit || n.var == LEAF || order.arg_bit(n.var).0 != arg => {
                        Some(Id::from(x == exit))
                    }
                    None => None,
                    Some((lo, hi)) => Some(m.mk(n.var, lo, hi)?),
                })
            })
            .expect("no budget");
        ArgSet { root, m }
    }

    /// The complement.
    pub fn not(&self) -> ArgSet {
        let mut m = self.m.clone();
        m.budget = usize::MAX;
        let root = m.not(self.root).expect("no budget");
        m.extract(root)
    }

    /// The values of argument `arg` in a set on that argument alone (see
    /// [`by_argument`](Self::by_argument)) as sorted, disjoint, inclusive intervals of
    /// `register & width_mask` (`width_mask` is `2^w - 1`: the bits above never matter).
    /// `None` when there are more than `cap`.
    pub fn intervals(&self, arg: usize, width_mask: u64, cap: usize) -> Option<Vec<(u64, u64)>> {
        let mut out: Vec<(u64, u64)> = Vec::new();
        // (node, next bit to decide (-1: all decided), value so far)
        let top = 63 - width_mask.leading_zeros() as i32;
        let mut stack: Vec<(Id, i32, u64)> = vec![(self.root, top, 0)];
        while let Some((mut id, bit, prefix)) = stack.pop() {
            // Bits above the width are 0 in `register & width_mask`.
            while self.m.node(id).var != LEAF
                && self.m.order.arg_bit(self.m.node(id).var).1 as i32 > top
            {
                id = self.m.node(id).lo;
            }
            if id == FALSE {
                continue;
            }
            if id == TRUE || bit < 0 {
                let low = if bit < 0 { 0 } else { u64::MAX >> (63 - bit) };
                let (lo, hi) = (prefix, prefix | low);
                match out.last_mut() {
                    Some(last) if last.1.checked_add(1) == Some(lo) => last.1 = hi,
                    _ => {
                        if out.len() == cap {
                            return None;
                        }
                        out.push((lo, hi));
                    }
                }
                continue;
            }
            let n = self.m.node(id);
            let here = self.m.order.level(arg as u8, bit as u32);
            let (lo, hi) = if n.var == here {
                (n.lo, n.hi)
            } else {
                (id, id)
            };
            // High half pushed first so that the low half comes out first.
            stack.push((hi, bit - 1, prefix | 1 << bit));
            stack.push((lo, bit - 1, prefix));
        }
        Some(out)
    }

    /// A set on one argument as disjoint cubes (`x & mask == value`, one per path to
    /// true); `None` when there are more than `cap`.
    pub fn cubes(&self, cap: usize) -> Option<Vec<Cube>> {
        let mut out = Vec::new();
        let mut stack = vec![(self.root, Cube::ANY)];
        while let Some((id, c)) = stack.pop() {
            let n = self.m.node(id);
            if n.var == LEAF {
                if n.lo == 1 {
                    if out.len() == cap {
                        return None;
                    }
                    out.push(c);
                }
                continue;
            }
            let (_, bit) = self.m.order.arg_bit(n.var);
            let b = 1u64 << bit;
            stack.push((
                n.hi,
                Cube {
                    mask: c.mask | b,
                    value: c.value | b,
                },
            ));
            stack.push((
                n.lo,
                Cube {
                    mask: c.mask | b,
                    value: c.value,
                },
            ));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;
    use crate::tables::Width;

    fn test(arg: u8, mask: u64, op: TestOp) -> Expr {
        Expr::Test(Test {
            arg,
            width: Width::W64,
            mask,
            op,
            span: Span::default(),
        })
    }

    const VALUES: [u64; 12] = [
        0,
        1,
        2,
        39,
        40,
        41,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x1_0000_0028,
        0xdead_0000_0000_0028,
        u64::MAX,
    ];

    #[test]
    fn every_operator_is_exact() {
        for mask in [u64::MAX, 0xffff_ffff, 0xff, 0x7e02_0000, 0xffff_00f0] {
            for v in [0, 1, 40, 0x7e02_0000, 0xffff_ffff, u64::MAX, 0x0002_0000] {
                for op in crate::region::every_op(v, [1, 40]) {
                    let e = test(2, mask, op.clone());
                    let mut m = Manager::new(1 << 20);
                    let id = m.expr(&e).unwrap();
                    let set = m.extract(id);
                    for x in VALUES
                        .iter()
                        .chain([&v, &v.wrapping_add(1), &v.wrapping_sub(1)])
                    {
                        let args = [7, 7, *x, 7, 7, 7];
                        assert_eq!(
                            set.contains(&args),
                            e.eval(&args),
                            "{op:?} mask {mask:#x} at {x:#x}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn equal_functions_are_one_node() {
        let mut m = Manager::new(1 << 20);
        // `x not in {38, 40}` and `x < 38 || x == 39 || x > 40`.
        let a = m
            .expr(&Expr::Not(Box::new(test(
                0,
                u64::MAX,
                TestOp::In(vec![38, 40]),
            ))))
            .unwrap();
        let b = m
            .expr(&Expr::Or(vec![
                test(0, u64::MAX, TestOp::Lt(38)),
                test(0, u64::MAX, TestOp::Eq(39)),
                test(0, u64::MAX, TestOp::Gt(40)),
            ]))
            .unwrap();
        assert_eq!(a, b);
        // A conjunction of `!=` on four 64-bit arguments: 4 x 64 nodes, not 64^4 boxes.
        let c = m
            .expr(&Expr::And(
                (0..4)
                    .map(|i| test(i, u64::MAX, TestOp::Ne(i.into())))
                    .collect(),
            ))
            .unwrap();
        let set = m.extract(c);
        assert!(set.m.len() <= 4 * 64 + 2, "{} nodes", set.m.len());
        assert!(set.contains(&[1, 0, 0, 0, 0, 0]));
        assert!(!set.contains(&[1, 0, 2, 3, 0, 0]));
        assert_eq!(set.sample(), Some([1, 0, 0, 0, 0, 0]));
    }

    #[test]
    fn by_argument_intervals_and_cubes() {
        let mut m = Manager::new(1 << 20);
        // (a0 < 10 && a1 == 5) || (a0 >= 10 && a1 & 0xf0 == 0x10)
        let e = Expr::Or(vec![
            Expr::And(vec![
                test(0, 0xffff_ffff, TestOp::Lt(10)),
                test(1, 0xffff_ffff, TestOp::Eq(5)),
            ]),
            Expr::And(vec![
                test(0, 0xffff_ffff, TestOp::Ge(10)),
                test(1, 0xf0, TestOp::Eq(0x10)),
            ]),
        ]);
        let id = m.expr(&e).unwrap();
        let set = m.extract(id);
        let (alts, complete) = set.by_argument(16);
        assert!(complete);
        assert_eq!(alts.len(), 2);
        let a0 = alts[0][0].as_ref().unwrap();
        assert_eq!(a0.intervals(0, 0xffff_ffff, 8), Some(vec![(0, 9)]));
        let a1 = alts[0][1].as_ref().unwrap();
        assert_eq!(a1.intervals(1, 0xffff_ffff, 8), Some(vec![(5, 5)]));
        let b0 = alts[1][0].as_ref().unwrap();
        assert_eq!(
            b0.intervals(0, 0xffff_ffff, 8),
            Some(vec![(10, 0xffff_ffff)])
        );
        let b1 = alts[1][1].as_ref().unwrap();
        assert_eq!(b1.intervals(1, 0xffff_ffff, 8), None);
        assert_eq!(
            b1.cubes(8),
            Some(vec![Cube {
                mask: 0xf0,
                value: 0x10
            }])
        );
        assert!(alts.iter().all(|a| a[2..].iter().all(Option::is_none)));
    }

    #[test]
    fn another_order_is_the_same_set() {
        // Bits of two arguments paired: small in the order the tests name them.
        let e = Expr::Or(
            (0..12)
                .map(|i| {
                    Expr::And(vec![
                        test(1, 1 << i, TestOp::Ne(0)),
                        test(2, 1 << i, TestOp::Ne(0)),
                        test(0, u64::MAX, TestOp::Lt(1000 + i)),
                    ])
                })
                .collect(),
        );
        let order = Order::first_seen(e.tests().iter().map(|t| (t.arg, t.mask)));
        let mut seen = Manager::with_order(Arc::new(order), 1 << 20);
        let mut major = Manager::new(1 << 20);
        let (ra, rb) = (seen.expr(&e).unwrap(), major.expr(&e).unwrap());
        let (a, b) = (seen.extract(ra), major.extract(rb));
        assert!(
            a.m.len() < b.m.len(),
            "{} vs {} nodes",
            a.m.len(),
            b.m.len()
        );
        for x in [
            [0, 1, 1, 0, 0, 0],
            [999, 4, 4, 0, 0, 0],
            [1000, 1, 1, 0, 0, 0],
            [5, 2, 1, 0, 0, 0],
        ] {
            assert_eq!(a.contains(&x), e.eval(&x), "{x:?}");
            assert_eq!(b.contains(&x), e.eval(&x), "{x:?}");
        }
        assert_eq!(a.arg_major(1 << 20), Some(b));
        let (boxes, complete) = a.boxes(1 << 12);
        assert!(!complete && boxes.len() == 1 << 12);
        assert!(boxes.iter().all(|bx| {
            let x: [u64; 6] = std::array::from_fn(|i| bx[i].value);
            e.eval(&x)
        }));
    }

    #[test]
    fn the_budget_is_kept() {
        let mut m = Manager::new(100);
        let e = test(
            0,
            u64::MAX,
            TestOp::In((0..100).map(|i| i * 7919).collect()),
        );
        assert_eq!(m.expr(&e), Err(TooBig));
        assert!(m.len() <= 100);
    }
}
