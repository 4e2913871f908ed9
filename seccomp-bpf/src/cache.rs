//! The kernel's seccomp action cache (Linux 5.11+, `seccomp_cache_prepare`).
//!
//! When a filter is installed, the kernel emulates it for every syscall number of the
//! native architecture knowing only `nr` and `arch`. If that emulation reaches
//! `ret SECCOMP_RET_ALLOW` through loads of `nr`/`arch`, constant jumps and `and` only,
//! the syscall is marked always-allowed and the filter is never run for it again. This is
//! a faithful port of `seccomp_is_const_allow` (kernel/seccomp.c).

use super::*;

/// Whether the kernel would cache `nr` as always allowed for this program.
pub fn is_const_allow(prog: &[SockFilter], arch: u32, nr: u32) -> bool {
    let mut reg: u32 = 0;
    let mut pc = 0usize;
    while let Some(ins) = prog.get(pc) {
        let k = ins.k;
        match ins.code {
            c if c == BPF_LD | BPF_W | BPF_ABS => match k {
                offset::NR => reg = nr,
                offset::ARCH => reg = arch,
                _ => return false,
            },
            c if c == BPF_RET | BPF_K => return k == ret::ALLOW,
            c if c == BPF_JMP | BPF_JA => pc += k as usize,
            c if c == BPF_JMP | BPF_JEQ | BPF_K
                || c == BPF_JMP | BPF_JGE | BPF_K
                || c == BPF_JMP | BPF_JGT | BPF_K
                || c == BPF_JMP | BPF_JSET | BPF_K =>
            {
                let taken = match op(c) {
                    BPF_JEQ => reg == k,
                    BPF_JGE => reg >= k,
                    BPF_JGT => reg > k,
                    _ => reg & k != 0,
                };
                pc += usize::from(if taken { ins.jt } else { ins.jf });
            }
            c if c == BPF_ALU | BPF_AND | BPF_K => reg &= k,
            _ => return false,
        }
        pc += 1;
    }
    false
}
