//! Checked policy → classic BPF, optimised for short paths and few instructions.
//!
//! The pipeline: [`dd`] turns the policy into a decision diagram over 32-bit words
//! (`arch`, then `nr`, then argument words, with [`atoms`] splitting 64-bit comparisons),
//! [`tree`] plans each switch as an optimal search tree, and `emit` lays the code out.
//!
//! Properties the output keeps, and the tests check:
//! - `arch` is checked first; a mismatch kills the process. On x86_64 every number at or
//!   above `0x4000_0000` (x32) kills the process.
//! - A syscall allowed whatever its arguments reaches `ret ALLOW` through loads of `nr` /
//!   `arch` and constant jumps only, so the kernel caches it and never runs the filter for
//!   it.
//! - 32-bit arguments are compared on their low word only; 64-bit ones high word first.
//! - Jumps never exceed 255; programs never exceed 4096 instructions (or it is an error).
//! - The same policy always gives the same program.

pub mod atoms;
pub mod dd;
mod emit;
pub mod tree;

use std::collections::HashMap;

use crate::bpf::{self, SockFilter};
use crate::diag::{Code as DiagCode, Diagnostic};
use crate::policy::ArchPolicy;
use crate::tables::Arch;
use atoms::Word;
use dd::Node;
use emit::Code;
use tree::{Interval, Params};

/// A compiled filter for one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub arch: Arch,
    pub insns: Vec<SockFilter>,
}

impl Program {
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }
}

/// Knobs of the optimiser. The defaults favour short paths, then size.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Cost of one instruction in the syscall-number tree, relative to one more
    /// instruction on every path.
    pub nr_lambda: f64,
    /// The same for argument blocks.
    pub arg_lambda: f64,
    /// Cost of one more instruction on the worst path.
    pub mu: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            nr_lambda: 0.02,
            arg_lambda: 0.1,
            mu: 0.1,
        }
    }
}

/// Compiles with the default options; if the program is over 4096 instructions, retries
/// with options that trade path length for size before giving up.
pub fn compile(policy: &ArchPolicy) -> Result<Program, Diagnostic> {
    let mut opts = Options::default();
    let mut last = 0;
    for _ in 0..4 {
        let insns = generate(policy, &opts);
        if insns.len() <= bpf::MAX_INSNS {
            debug_assert!(
                bpf::verify::verify(&insns).is_ok(),
                "{:?}",
                bpf::verify::verify(&insns)
            );
            return Ok(Program {
                arch: policy.arch,
                insns,
            });
        }
        last = insns.len();
        opts.nr_lambda *= 50.0;
        opts.arg_lambda *= 50.0;
        opts.mu = 0.0;
    }
    Err(
        Diagnostic::new(
            DiagCode::TooLarge,
            format!(
                "the {} filter needs {last} instructions, {} more than the kernel accepts ({})",
                policy.arch,
                last.saturating_sub(bpf::MAX_INSNS),
                bpf::MAX_INSNS
            ),
        )
        .at(policy.default_span, "for this policy")
        .help("merge rules, use `in` sets instead of many separate conditions, or split the policy into two filters"),
    )
}

/// Generates the program with given options, whatever its size.
pub fn generate(policy: &ArchPolicy, opts: &Options) -> Vec<SockFilter> {
    let (dd, root) = dd::build(policy);
    let code = plan(&dd, policy.arch, opts);
    emit::emit(&dd, &code, root)
}

/// Plans every switch, children first (nodes are created children first).
fn plan(dd: &dd::Dd, arch: Arch, opts: &Options) -> Vec<Option<Code>> {
    let n = dd.nodes.len();
    let mut worst = vec![1u32; n];
    let mut code: Vec<Option<Code>> = vec![None; n];
    // Syscall numbers are weighted by how many real numbers an interval covers.
    let cap = u64::from(arch.max_nr()) + 1;
    for id in 0..n {
        let Node::Switch { var, cases } = &dd.nodes[id] else {
            continue;
        };
        let load = 1 + u32::from(var.mask != u32::MAX);
        if var.mask != u32::MAX && cases.len() == 2 && cases[1].0 == 1 {
            worst[id] = 2 + worst[cases[0].1].max(worst[cases[1].1]);
            code[id] = Some(Code::Jset);
            continue;
        }
        let intervals: Vec<Interval> = cases
            .iter()
            .enumerate()
            .map(|(k, &(start, child))| {
                let end = cases.get(k + 1).map_or(u32::MAX, |c| c.0 - 1);
                let weight = match var.word {
                    Word::Nr => {
                        let (s, e) = (u64::from(start), u64::from(end).min(cap));
                        if e >= s { (e - s + 1) as f64 } else { 0.5 }
                    }
                    Word::Arch => 1.0,
                    // Zero is by far the most common argument value.
                    Word::Arg { .. } => {
                        if start == 0 {
                            3.0
                        } else {
                            1.0
                        }
                    }
                };
                Interval {
                    start,
                    end,
                    child,
                    weight,
                    worst: worst[child],
                }
            })
            .collect();
        let lambda = match var.word {
            Word::Nr => opts.nr_lambda,
            Word::Arch => 1.0,
            Word::Arg { .. } => opts.arg_lambda,
        };
        let mut p = tree::plan(
            &intervals,
            Params {
                lambda,
                mu: opts.mu,
            },
        );
        if var.word == Word::Nr {
            // Never more comparisons than libseccomp's layout (one `jeq` per syscall
            // that is not decided by the default, plus its x32 guard): for small
            // policies a short chain beats a tree on size, and size is promised.
            let bound = chain_size(&intervals, cap);
            let mut lambda = lambda;
            while p.jumps > bound && lambda < 1e6 {
                lambda *= 4.0;
                p = tree::plan(&intervals, Params { lambda, mu: 0.0 });
            }
        }
        worst[id] = load + p.worst;
        code[id] = Some(Code::Tree(p.tree));
    }
    code
}

/// How many comparisons a linear chain needs to dispatch these syscall-number intervals
/// (libseccomp's layout): one per number that does not go to the most common child, and
/// one for everything past the arch's numbers (the x32 guard).
fn chain_size(intervals: &[Interval], cap: u64) -> usize {
    let mut weight: HashMap<usize, f64> = HashMap::new();
    for iv in intervals {
        *weight.entry(iv.child).or_default() += iv.weight;
    }
    let background = weight
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(&c, _)| c);
    intervals
        .iter()
        .filter(|iv| Some(iv.child) != background)
        .map(|iv| {
            let (s, e) = (u64::from(iv.start), u64::from(iv.end).min(cap - 1));
            if s >= cap { 1 } else { (e - s + 1) as usize }
        })
        .sum()
}

/// Whether the policy decides `nr` the same way whatever the arguments, and how.
pub fn constant_action(policy: &ArchPolicy, nr: u32) -> Option<crate::policy::Action> {
    let (dd, root) = dd::build(policy);
    let mut node = root;
    loop {
        match &dd.nodes[node] {
            Node::Leaf(a) => return Some(*a),
            Node::Switch { var, cases } => {
                let x = match var.word {
                    Word::Arch => policy.arch.audit_arch(),
                    Word::Nr => nr,
                    Word::Arg { .. } => return None,
                };
                let k = cases.partition_point(|c| c.0 <= x) - 1;
                node = cases[k].1;
            }
        }
    }
}
