//! Search trees over value intervals: the code of one switch.
//!
//! A switch maps intervals of a 32-bit value to children. Its code is a binary tree of
//! `jge` splits whose leaves are either a child or a *chain*: `jeq h1; jeq h2; ...; else
//! background`, which covers a run of intervals where all but one child sit on single
//! values (a syscall denied in the middle of an allowed range costs one `jeq`, not two
//! splits).
//!
//! The tree minimises `Σ weight × path + λ × W × jumps` subject to a limit on the worst
//! path, by dynamic programming over intervals and path budgets (an optimal alphabetic
//! tree, depth-limited, in the style of Hu–Tucker but exact). The budget is then chosen to
//! balance mean and worst path.

/// One interval of a switch and what reaching its child costs.
#[derive(Clone, Copy, Debug)]
pub struct Interval {
    pub start: u32,
    pub end: u32,
    /// Identifies the child; equal children may be merged into chains.
    pub child: usize,
    /// How often the interval is expected to be hit (e.g. syscall numbers it covers).
    pub weight: f64,
    /// Worst path length below the child (its instructions, the `ret` included).
    pub worst: u32,
}

/// The shape of a switch's jumps.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    /// Reach interval `.0`'s child.
    Leaf(usize),
    /// `jge at`: values `>= at` go to `hi`.
    Split {
        at: u32,
        lo: Box<Tree>,
        hi: Box<Tree>,
    },
    /// `jeq start(h)` for each hole in order, then interval `background`'s child.
    Chain {
        holes: Vec<usize>,
        background: usize,
    },
}

/// Tuning of the trade-off between path length and size.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Cost of one jump instruction, in units of "one more instruction on every path".
    pub lambda: f64,
    /// Cost of one more instruction on the worst path, same unit.
    pub mu: f64,
}

/// A planned tree and its figures.
#[derive(Clone, Debug)]
pub struct Plan {
    pub tree: Tree,
    /// Jump instructions the tree needs.
    pub jumps: usize,
    /// Depth (jumps executed) at which each interval's child is reached, on the longest way.
    pub depth: Vec<u32>,
    /// Worst of `depth + worst` over the intervals.
    pub worst: u32,
}

const INF: f64 = f64::INFINITY;
/// Longest run of intervals a chain may cover, and most holes in one chain.
const CHAIN_SPAN: usize = 40;
const CHAIN_HOLES: usize = 16;
/// Above this many intervals, splits are searched only between the neighbours' best split
/// points (Knuth's bound), which is exact for unconstrained trees and close otherwise.
const EXACT_LIMIT: usize = 96;
/// Above this many, the worst-path budget is dropped to keep the tables small.
const BUDGET_LIMIT: usize = 320;

#[derive(Clone, Debug)]
struct ChainInfo {
    cost: f64,
    jumps: usize,
    worst: u32,
    holes: Vec<usize>,
    background: usize,
}

fn chain(iv: &[Interval], i: usize, j: usize) -> Option<ChainInfo> {
    let range = &iv[i..=j];
    let mut bg: Option<usize> = None;
    for x in range.iter().filter(|x| x.end > x.start) {
        match bg {
            None => bg = Some(x.child),
            Some(c) if c != x.child => return None,
            _ => {}
        }
    }
    let bg = bg.unwrap_or_else(|| {
        // All single values: the heaviest child becomes the background.
        let mut best = (f64::NEG_INFINITY, range[0].child);
        for x in range {
            let w: f64 = range
                .iter()
                .filter(|y| y.child == x.child)
                .map(|y| y.weight)
                .sum();
            if w > best.0 {
                best = (w, x.child);
            }
        }
        best.1
    });
    let mut holes: Vec<usize> = (i..=j).filter(|&k| iv[k].child != bg).collect();
    if holes.len() > CHAIN_HOLES {
        return None;
    }
    holes.sort_by(|&a, &b| {
        iv[b]
            .worst
            .cmp(&iv[a].worst)
            .then(iv[b].weight.total_cmp(&iv[a].weight))
            .then(a.cmp(&b))
    });
    let n = holes.len();
    let mut cost = 0.0;
    let mut worst = 0;
    for (p, &h) in holes.iter().enumerate() {
        cost += iv[h].weight * (p + 1) as f64;
        worst = worst.max(p as u32 + 1 + iv[h].worst);
    }
    let background = (i..=j)
        .find(|&k| iv[k].child == bg)
        .expect("background interval");
    for x in range.iter().filter(|x| x.child == bg) {
        cost += x.weight * n as f64;
        worst = worst.max(n as u32 + x.worst);
    }
    Some(ChainInfo {
        cost,
        jumps: n,
        worst,
        holes,
        background,
    })
}

/// Plans the tree of one switch.
pub fn plan(iv: &[Interval], params: Params) -> Plan {
    let n = iv.len();
    assert!(n > 0, "a switch has at least one interval");
    if n == 1 {
        return finish(iv, Tree::Leaf(0));
    }
    let total: f64 = iv.iter().map(|x| x.weight).sum();
    let total = if total > 0.0 { total } else { 1.0 };
    let jump_cost = params.lambda * total;
    let mut pre = vec![0.0; n + 1];
    for (k, x) in iv.iter().enumerate() {
        pre[k + 1] = pre[k] + x.weight;
    }
    let budgeted = n <= BUDGET_LIMIT;
    let max_worst = iv.iter().map(|x| x.worst).max().unwrap_or(1);
    let log2 = usize::BITS - (n - 1).leading_zeros();
    let levels = if budgeted {
        (max_worst + log2 + 8) as usize + 1
    } else {
        1
    };
    // In unbudgeted mode, level 0 means "no limit".
    let fits = |worst: u32, t: usize| !budgeted || worst as usize <= t;
    let child_level = |t: usize| if budgeted { t.checked_sub(1) } else { Some(0) };

    let tri = |i: usize, j: usize| i * n - i * (i.saturating_sub(1)) / 2 - i + j;
    let size = n * (n + 1) / 2;
    let mut cost = vec![INF; size * levels];
    // -1 leaf, -2 chain, k >= 0 split after interval k.
    let mut choice = vec![-1i32; size * levels];
    let chains: Vec<Vec<Option<ChainInfo>>> = (0..n)
        .map(|i| {
            (i..n.min(i + CHAIN_SPAN))
                .map(|j| if j > i { chain(iv, i, j) } else { None })
                .collect()
        })
        .collect();

    for (i, x) in iv.iter().enumerate() {
        for t in 0..levels {
            if fits(x.worst, t) {
                cost[tri(i, i) * levels + t] = 0.0;
            }
        }
    }
    for len in 2..=n {
        for i in 0..=n - len {
            let j = i + len - 1;
            let here = tri(i, j);
            let span_w = pre[j + 1] - pre[i];
            let ch = chains[i].get(j - i).and_then(|c| c.as_ref());
            for t in 0..levels {
                let mut best = INF;
                let mut pick = -1;
                if let Some(c) = ch {
                    if fits(c.worst, t) {
                        best = c.cost + jump_cost * c.jumps as f64;
                        pick = -2;
                    }
                }
                if let Some(ct) = child_level(t) {
                    let (lo_k, hi_k) = if n > EXACT_LIMIT && len > 2 {
                        let left = choice[tri(i, j - 1) * levels + t];
                        let right = choice[tri(i + 1, j) * levels + t];
                        let lo = if left >= 0 { left as usize } else { i };
                        let hi = if right >= 0 { right as usize } else { j - 1 };
                        if lo <= hi { (lo, hi) } else { (i, j - 1) }
                    } else {
                        (i, j - 1)
                    };
                    for k in lo_k..=hi_k {
                        let c = cost[tri(i, k) * levels + ct] + cost[tri(k + 1, j) * levels + ct];
                        if c < INF {
                            let c = c + span_w + jump_cost;
                            if c < best {
                                best = c;
                                pick = k as i32;
                            }
                        }
                    }
                }
                cost[here * levels + t] = best;
                choice[here * levels + t] = pick;
            }
        }
    }
    // Pick the budget that balances mean and worst path.
    let root = tri(0, n - 1);
    let mut best = (INF, 0);
    for t in 0..levels {
        let c = cost[root * levels + t];
        if c < INF {
            let score = c + params.mu * total * t as f64;
            if score < best.0 {
                best = (score, t);
            }
        }
    }
    assert!(
        best.0 < INF,
        "a balanced tree always fits the largest budget"
    );
    let rebuild = |i: usize, j: usize, t: usize| -> Tree {
        rebuild(iv, &chains, &choice, levels, &tri, &child_level, i, j, t)
    };
    finish(iv, rebuild(0, n - 1, best.1))
}

#[allow(clippy::too_many_arguments)]
fn rebuild(
    iv: &[Interval],
    chains: &[Vec<Option<ChainInfo>>],
    choice: &[i32],
    levels: usize,
    tri: &dyn Fn(usize, usize) -> usize,
    child_level: &dyn Fn(usize) -> Option<usize>,
    i: usize,
    j: usize,
    t: usize,
) -> Tree {
    if i == j {
        return Tree::Leaf(i);
    }
    match choice[tri(i, j) * levels + t] {
        -2 => {
            let c = chains[i][j - i].as_ref().expect("chosen chain");
            Tree::Chain {
                holes: c.holes.clone(),
                background: c.background,
            }
        }
        k if k >= 0 => {
            let k = k as usize;
            let ct = child_level(t).expect("split has a child level");
            Tree::Split {
                at: iv[k + 1].start,
                lo: Box::new(rebuild(
                    iv,
                    chains,
                    choice,
                    levels,
                    tri,
                    child_level,
                    i,
                    k,
                    ct,
                )),
                hi: Box::new(rebuild(
                    iv,
                    chains,
                    choice,
                    levels,
                    tri,
                    child_level,
                    k + 1,
                    j,
                    ct,
                )),
            }
        }
        _ => unreachable!("interval range without a plan"),
    }
}

/// Computes the figures of a tree.
fn finish(iv: &[Interval], tree: Tree) -> Plan {
    let mut depth = vec![0u32; iv.len()];
    let mut jumps = 0;
    fn walk(
        t: &Tree,
        iv: &[Interval],
        d: u32,
        depth: &mut [u32],
        jumps: &mut usize,
        lo: usize,
        hi: usize,
    ) {
        match t {
            Tree::Leaf(k) => depth[*k] = d,
            Tree::Split { at, lo: l, hi: h } => {
                *jumps += 1;
                let mid = (lo..=hi)
                    .find(|&k| iv[k].start == *at)
                    .expect("split point");
                walk(l, iv, d + 1, depth, jumps, lo, mid - 1);
                walk(h, iv, d + 1, depth, jumps, mid, hi);
            }
            Tree::Chain { holes, background } => {
                *jumps += holes.len();
                let bg = iv[*background].child;
                for k in lo..=hi {
                    if iv[k].child == bg {
                        depth[k] = d + holes.len() as u32;
                    }
                }
                for (p, &h) in holes.iter().enumerate() {
                    depth[h] = d + p as u32 + 1;
                }
            }
        }
    }
    walk(&tree, iv, 0, &mut depth, &mut jumps, 0, iv.len() - 1);
    let worst = iv
        .iter()
        .zip(&depth)
        .map(|(x, d)| d + x.worst)
        .max()
        .unwrap_or(0);
    Plan {
        tree,
        jumps,
        depth,
        worst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intervals(spec: &[(u32, usize)], last: u32) -> Vec<Interval> {
        spec.iter()
            .enumerate()
            .map(|(k, &(start, child))| {
                let end = spec.get(k + 1).map_or(last, |n| n.0 - 1);
                Interval {
                    start,
                    end,
                    child,
                    weight: f64::from(end.min(1000) - start.min(1000) + 1),
                    worst: 1,
                }
            })
            .collect()
    }

    /// Walks the tree for a value, as the BPF would.
    fn lookup(iv: &[Interval], t: &Tree, x: u32) -> usize {
        match t {
            Tree::Leaf(k) => iv[*k].child,
            Tree::Split { at, lo, hi } => lookup(iv, if x >= *at { hi } else { lo }, x),
            Tree::Chain { holes, background } => holes
                .iter()
                .find(|&&h| iv[h].start == x)
                .map_or(iv[*background].child, |&h| iv[h].child),
        }
    }

    #[test]
    fn trees_route_every_value_to_its_child() {
        let spec = [
            (0, 0),
            (3, 1),
            (4, 0),
            (10, 2),
            (11, 0),
            (12, 1),
            (40, 0),
            (41, 3),
            (42, 0),
            (100, 1),
        ];
        let iv = intervals(&spec, u32::MAX);
        for lambda in [0.0, 0.05, 1.0] {
            let p = plan(&iv, Params { lambda, mu: 0.1 });
            for x in (0..200).chain([u32::MAX, 1 << 31]) {
                let want = iv
                    .iter()
                    .find(|i| i.start <= x && x <= i.end)
                    .unwrap()
                    .child;
                assert_eq!(
                    lookup(&iv, &p.tree, x),
                    want,
                    "x = {x}, lambda {lambda}: {:?}",
                    p.tree
                );
            }
        }
    }

    #[test]
    fn holes_become_chains_when_size_matters() {
        // An allowed range with three single denied numbers: one chain of three `jeq`.
        let iv = intervals(
            &[(0, 0), (5, 1), (6, 0), (9, 1), (10, 0), (20, 1), (21, 0)],
            100,
        );
        let p = plan(
            &iv,
            Params {
                lambda: 10.0,
                mu: 0.0,
            },
        );
        assert_eq!(p.jumps, 3, "{:?}", p.tree);
        assert!(matches!(p.tree, Tree::Chain { .. }));
    }

    #[test]
    fn worst_path_is_bounded() {
        // Many intervals with very skewed weights: the budget keeps the depth near log2(n).
        let mut iv: Vec<Interval> = (0..64u32)
            .map(|k| Interval {
                start: k * 2,
                end: k * 2 + 1,
                child: (k % 2) as usize,
                weight: if k == 0 { 1e6 } else { 1.0 },
                worst: 1,
            })
            .collect();
        iv.last_mut().unwrap().end = u32::MAX;
        let p = plan(
            &iv,
            Params {
                lambda: 0.0,
                mu: 0.5,
            },
        );
        assert!(p.worst <= 12, "worst {}", p.worst);
    }
}
