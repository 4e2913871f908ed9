//! The checks the kernel makes before accepting a seccomp filter (`bpf_check_classic` and
//! `seccomp_check_filter`), so a bad program is caught here with a reason, not by `EINVAL`.
//!
//! [`verify`] is a `const fn`: `seccomp-rt` runs it on the filters `seccomp_policy!`
//! embeds when they are compiled, and on filters read at run time.

use std::fmt;

use super::*;

/// Why the kernel would reject a program, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Instruction index, if the problem is at one instruction.
    pub pc: Option<usize>,
    pub reason: Reason,
}

/// What is wrong with a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The program has this many instructions, not 1 to 4096.
    Length(usize),
    /// Raw records of this many bytes, not a multiple of 8.
    PartialRecord(usize),
    /// A load of this offset: outside `seccomp_data` or unaligned.
    Load(u32),
    /// A division or modulo by the constant 0.
    DivisionByZero,
    /// A shift by 32 or more.
    Shift,
    /// A jump leaves the program.
    JumpPastEnd,
    /// An opcode seccomp does not accept.
    Opcode(u16),
    /// The last instruction is not a `ret`.
    NoFinalRet,
    /// Scratch memory `M[k]` is read before it is written on some path.
    Uninitialised(u32),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::Length(n) => write!(f, "{n} instructions: a filter has 1..={MAX_INSNS}"),
            Reason::PartialRecord(n) => {
                write!(f, "{n} bytes: a filter is 8-byte records")
            }
            Reason::Load(k) => write!(
                f,
                "load of offset {k}: seccomp_data has 64 bytes read in aligned words"
            ),
            Reason::DivisionByZero => f.write_str("division by the constant 0"),
            Reason::Shift => f.write_str("shift by 32 or more"),
            Reason::JumpPastEnd => f.write_str("jump past the end"),
            Reason::Opcode(code) => {
                write!(f, "opcode {code:#06x} is not allowed in a seccomp filter")
            }
            Reason::NoFinalRet => f.write_str("the last instruction must be a `ret`"),
            Reason::Uninitialised(k) => {
                write!(f, "reads scratch memory M[{k}] before it is written")
            }
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pc {
            Some(pc) => write!(f, "instruction {pc}: {}", self.reason),
            None => write!(f, "{}", self.reason),
        }
    }
}

impl std::error::Error for Invalid {}

const fn bad(pc: usize, reason: Reason) -> Result<(), Invalid> {
    Err(Invalid {
        pc: Some(pc),
        reason,
    })
}

/// Whether `code` is one of the ALU operations classic BPF has.
const fn alu_op(o: u16) -> bool {
    matches!(
        o,
        BPF_ADD
            | BPF_SUB
            | BPF_MUL
            | BPF_DIV
            | BPF_MOD
            | BPF_OR
            | BPF_AND
            | BPF_XOR
            | BPF_LSH
            | BPF_RSH
            | BPF_NEG
    )
}

/// Checks a program the way the kernel does when it is installed.
pub const fn verify(prog: &[SockFilter]) -> Result<(), Invalid> {
    let len = prog.len();
    if len == 0 || len > MAX_INSNS {
        return Err(Invalid {
            pc: None,
            reason: Reason::Length(len),
        });
    }
    let mut pc = 0;
    while pc < len {
        let ins = prog[pc];
        let code = ins.code;
        let k = ins.k;
        let ok = match class(code) {
            BPF_LD => {
                if code == BPF_LD | BPF_W | BPF_ABS {
                    if k >= SECCOMP_DATA_SIZE || k & 3 != 0 {
                        return bad(pc, Reason::Load(k));
                    }
                    true
                } else if code == BPF_LD | BPF_W | BPF_LEN || code == BPF_LD | BPF_IMM {
                    true
                } else {
                    code == BPF_LD | BPF_MEM && k < BPF_MEMWORDS
                }
            }
            BPF_LDX => {
                code == BPF_LDX | BPF_W | BPF_LEN
                    || code == BPF_LDX | BPF_IMM
                    || (code == BPF_LDX | BPF_MEM && k < BPF_MEMWORDS)
            }
            BPF_ST | BPF_STX => code & !0x07 == 0 && k < BPF_MEMWORDS,
            BPF_ALU => {
                let o = op(code);
                if code & !(0xf0 | 0x08 | 0x07) != 0 {
                    false
                } else if code & BPF_X == 0 && (o == BPF_DIV || o == BPF_MOD) && k == 0 {
                    return bad(pc, Reason::DivisionByZero);
                } else if code & BPF_X == 0 && (o == BPF_LSH || o == BPF_RSH) && k >= 32 {
                    return bad(pc, Reason::Shift);
                } else {
                    alu_op(o)
                }
            }
            BPF_JMP => {
                let o = op(code);
                let rest = len - pc - 1;
                if o == BPF_JA {
                    if code != BPF_JMP | BPF_JA {
                        false
                    } else if k as usize >= rest {
                        return bad(pc, Reason::JumpPastEnd);
                    } else {
                        true
                    }
                } else if matches!(o, BPF_JEQ | BPF_JGT | BPF_JGE | BPF_JSET)
                    && code & !(0xf0 | 0x08 | 0x07) == 0
                {
                    if ins.jt as usize >= rest || ins.jf as usize >= rest {
                        return bad(pc, Reason::JumpPastEnd);
                    }
                    true
                } else {
                    false
                }
            }
            BPF_RET => code == BPF_RET | BPF_K || code == BPF_RET | BPF_A,
            BPF_MISC => code == BPF_MISC | BPF_TAX || code == BPF_MISC | BPF_TXA,
            _ => false,
        };
        if !ok {
            return bad(pc, Reason::Opcode(code));
        }
        pc += 1;
    }
    if !prog[len - 1].is_ret() {
        return bad(len - 1, Reason::NoFinalRet);
    }
    check_memory(prog)
}

/// Scratch memory must be written on every path before it is read (the kernel's
/// `check_load_and_stores`).
const fn check_memory(prog: &[SockFilter]) -> Result<(), Invalid> {
    let len = prog.len();
    let mut uses_memory = false;
    let mut pc = 0;
    while pc < len {
        let c = prog[pc].code;
        if matches!(class(c), BPF_ST | BPF_STX) || c & 0xe0 == BPF_MEM {
            uses_memory = true;
        }
        pc += 1;
    }
    if !uses_memory {
        return Ok(());
    }
    // Bitmask of cells known written at entry of each instruction; jumps go forward
    // only, so one pass in order suffices. (A fixed array: `const fn` cannot allocate.)
    let mut known = [u16::MAX; MAX_INSNS];
    known[0] = 0;
    pc = 0;
    while pc < len {
        let ins = prog[pc];
        let mut m = known[pc];
        match class(ins.code) {
            BPF_ST | BPF_STX => m |= 1 << ins.k,
            BPF_LD | BPF_LDX if ins.code & 0xe0 == BPF_MEM && m & (1 << ins.k) == 0 => {
                return bad(pc, Reason::Uninitialised(ins.k));
            }
            _ => {}
        }
        // `successors`, spelt out: iterators are not available in `const fn`.
        let next = pc + 1;
        match class(ins.code) {
            BPF_RET => {}
            BPF_JMP if op(ins.code) == BPF_JA => flow(&mut known, next + ins.k as usize, m),
            BPF_JMP => {
                flow(&mut known, next + ins.jt as usize, m);
                flow(&mut known, next + ins.jf as usize, m);
            }
            _ => flow(&mut known, next, m),
        }
        pc += 1;
    }
    Ok(())
}

const fn flow(known: &mut [u16; MAX_INSNS], target: usize, m: u16) {
    if target < MAX_INSNS {
        known[target] &= m;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_the_kernel_rejects() {
        let ret = SockFilter::ret(0);
        assert!(verify(&[]).is_err());
        assert!(verify(&[ret]).is_ok());
        assert!(verify(&[SockFilter::load(0)]).is_err(), "must end in ret");
        assert!(verify(&[SockFilter::load(2), ret]).is_err(), "unaligned");
        assert!(
            verify(&[SockFilter::load(64), ret]).is_err(),
            "out of seccomp_data"
        );
        assert!(verify(&[SockFilter::jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ret]).is_err());
        assert!(
            verify(&[SockFilter::stmt(BPF_LD | BPF_B | BPF_ABS, 0), ret]).is_err(),
            "byte loads"
        );
        assert!(
            verify(&[SockFilter::stmt(BPF_LD | BPF_MEM, 0), ret]).is_err(),
            "uninitialised M[0]"
        );
        assert!(
            verify(&[
                SockFilter::stmt(BPF_ST, 0),
                SockFilter::stmt(BPF_LD | BPF_MEM, 0),
                ret
            ])
            .is_ok()
        );
        assert!(verify(&vec![ret; MAX_INSNS + 1]).is_err());
        assert!(verify(&vec![ret; MAX_INSNS]).is_ok());
    }
}
