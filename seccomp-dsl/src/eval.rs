//! The reference evaluator: what a checked policy decides for one syscall, computed
//! directly from the rules, without BPF.
//!
//! It is deliberately simple (a loop over the rules) so that it can serve as the oracle
//! the compiled filter is tested against.

use crate::policy::{Action, ArchPolicy};

/// The kernel's `struct seccomp_data`: what a filter sees of a syscall.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeccompData {
    pub nr: u32,
    pub arch: u32,
    pub instruction_pointer: u64,
    pub args: [u64; 6],
}

impl SeccompData {
    /// A call of `nr` on the policy's own architecture with these arguments.
    pub fn new(arch: u32, nr: u32, args: [u64; 6]) -> SeccompData {
        SeccompData {
            nr,
            arch,
            instruction_pointer: 0,
            args,
        }
    }

    /// The structure as the kernel lays it out (little-endian): what `ld [k]` reads.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[0..4].copy_from_slice(&self.nr.to_le_bytes());
        b[4..8].copy_from_slice(&self.arch.to_le_bytes());
        b[8..16].copy_from_slice(&self.instruction_pointer.to_le_bytes());
        for (i, a) in self.args.iter().enumerate() {
            b[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_le_bytes());
        }
        b
    }
}

/// Why the policy decided what it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `seccomp_data.arch` is not the policy's architecture (e.g. `int 0x80` on x86_64).
    WrongArch,
    /// An x32 syscall number on x86_64, or anything above (`nr >= 0x4000_0000`).
    X32,
    /// The rule at this index of [`ArchPolicy::rules`] matched first.
    Rule(usize),
    /// No rule matched.
    Default,
}

/// The decision for one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub action: Action,
    pub reason: Reason,
}

/// Evaluates the policy on one call: wrong architecture and x32 numbers (and anything
/// above them) are killed, then
/// the first matching rule decides, else the default.
pub fn evaluate(policy: &ArchPolicy, data: &SeccompData) -> Verdict {
    if data.arch != policy.arch.audit_arch() {
        return Verdict {
            action: Action::KillProcess,
            reason: Reason::WrongArch,
        };
    }
    if let Some(bit) = policy.arch.x32_bit() {
        if data.nr >= bit {
            return Verdict {
                action: Action::KillProcess,
                reason: Reason::X32,
            };
        }
    }
    for (i, rule) in policy.rules.iter().enumerate() {
        if rule.nr() == data.nr && rule.matches(&data.args) {
            return Verdict {
                action: rule.action,
                reason: Reason::Rule(i),
            };
        }
    }
    Verdict {
        action: policy.default,
        reason: Reason::Default,
    }
}
