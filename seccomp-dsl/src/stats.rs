//! Figures of a compiled filter: size, path lengths, and what the kernel can cache.
//!
//! The path length is the number of BPF instructions the kernel executes for one syscall;
//! every uncached syscall pays it. These figures are what `scc stats` prints and what the
//! benchmarks compare with libseccomp and Kafel.

use crate::bpf::{BPF_JA, BPF_JMP, BPF_RET, SockFilter, cache, class, interp, op};
use crate::eval::SeccompData;
use crate::policy::{Action, ArchPolicy};
use crate::tables::Arch;

/// The syscall numbers the mean path is taken over by default (as in the project's
/// published comparisons): 0..=450.
pub const DEFAULT_RANGE: std::ops::RangeInclusive<u32> = 0..=450;

/// Figures of one program.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Stats {
    pub arch: Arch,
    pub instructions: usize,
    /// Mean instructions executed over the syscall numbers of `range`, all arguments 0.
    pub mean_path: f64,
    /// Longest path through the program: an upper bound over every input.
    pub worst_path: usize,
    pub range: (u32, u32),
    /// Syscalls of the architecture the policy allows whatever their arguments.
    pub allowed_unconditionally: usize,
    /// How many of those the kernel's action cache covers (ideally all).
    pub cacheable: usize,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Arch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Computes the figures of `prog`, compiled from `policy`.
pub fn stats(
    policy: &ArchPolicy,
    prog: &[SockFilter],
    range: std::ops::RangeInclusive<u32>,
) -> Stats {
    let arch = policy.arch;
    let (mean, worst) = paths(prog, arch.audit_arch(), range.clone());
    let mut allowed = 0;
    let mut cacheable = 0;
    for s in arch.syscalls() {
        if crate::codegen::constant_action(policy, s.nr) == Some(Action::Allow) {
            allowed += 1;
            if cache::is_const_allow(prog, arch.audit_arch(), s.nr) {
                cacheable += 1;
            }
        }
    }
    Stats {
        arch,
        instructions: prog.len(),
        mean_path: mean,
        worst_path: worst,
        range: (*range.start(), *range.end()),
        allowed_unconditionally: allowed,
        cacheable,
    }
}

/// Mean path over the numbers in `range` (arguments 0, architecture `audit_arch`) and
/// longest path, for any program (ours, libseccomp's, Kafel's).
pub fn paths(
    prog: &[SockFilter],
    audit_arch: u32,
    range: std::ops::RangeInclusive<u32>,
) -> (f64, usize) {
    let mut total = 0usize;
    let mut count = 0usize;
    for nr in range {
        let data = SeccompData::new(audit_arch, nr, [0; 6]).to_bytes();
        if let Ok(o) = interp::run(prog, &data) {
            total += o.steps;
            count += 1;
        }
    }
    let mean = if count == 0 {
        0.0
    } else {
        total as f64 / count as f64
    };
    (mean, longest_path(prog))
}

/// Longest path from the first instruction to a `ret` (jumps only go forward).
pub fn longest_path(prog: &[SockFilter]) -> usize {
    let n = prog.len();
    let mut len = vec![0usize; n + 1];
    for pc in (0..n).rev() {
        let ins = prog[pc];
        let at = |t: usize| len.get(t).copied().unwrap_or(0);
        len[pc] = 1 + match class(ins.code) {
            BPF_RET => 0,
            BPF_JMP if op(ins.code) == BPF_JA => at(pc + 1 + ins.k as usize),
            BPF_JMP => at(pc + 1 + usize::from(ins.jt)).max(at(pc + 1 + usize::from(ins.jf))),
            _ => at(pc + 1),
        };
    }
    len[0]
}
