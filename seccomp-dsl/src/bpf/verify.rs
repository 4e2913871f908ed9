//! The checks the kernel makes before accepting a seccomp filter (`bpf_check_classic` and
//! `seccomp_check_filter`), so a bad program is caught here with a reason, not by `EINVAL`.

use super::*;

/// Why the kernel would reject a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Instruction index, if the problem is at one instruction.
    pub pc: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pc {
            Some(pc) => write!(f, "instruction {pc}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for Invalid {}

fn bad(pc: usize, reason: impl Into<String>) -> Invalid {
    Invalid {
        pc: Some(pc),
        reason: reason.into(),
    }
}

/// Checks a program the way the kernel does when it is installed.
pub fn verify(prog: &[SockFilter]) -> Result<(), Invalid> {
    if prog.is_empty() || prog.len() > MAX_INSNS {
        return Err(Invalid {
            pc: None,
            reason: format!("{} instructions: a filter has 1..={MAX_INSNS}", prog.len()),
        });
    }
    let len = prog.len();
    for (pc, ins) in prog.iter().enumerate() {
        let code = ins.code;
        let k = ins.k;
        let ok = match class(code) {
            BPF_LD => match code {
                c if c == BPF_LD | BPF_W | BPF_ABS => {
                    if k >= SECCOMP_DATA_SIZE || k & 3 != 0 {
                        return Err(bad(
                            pc,
                            format!(
                                "load of offset {k}: seccomp_data has 64 bytes read in aligned words"
                            ),
                        ));
                    }
                    true
                }
                c if c == BPF_LD | BPF_W | BPF_LEN || c == BPF_LD | BPF_IMM => true,
                c if c == BPF_LD | BPF_MEM => k < BPF_MEMWORDS,
                _ => false,
            },
            BPF_LDX => {
                matches!(code, c if c == BPF_LDX | BPF_W | BPF_LEN || c == BPF_LDX | BPF_IMM)
                    || (code == BPF_LDX | BPF_MEM && k < BPF_MEMWORDS)
            }
            BPF_ST | BPF_STX => code & !0x07 == 0 && k < BPF_MEMWORDS,
            BPF_ALU => {
                let o = op(code);
                if code & !(0xf0 | 0x08 | 0x07) != 0 {
                    false
                } else if code & BPF_X == 0 && (o == BPF_DIV || o == BPF_MOD) && k == 0 {
                    return Err(bad(pc, "division by the constant 0"));
                } else if code & BPF_X == 0 && (o == BPF_LSH || o == BPF_RSH) && k >= 32 {
                    return Err(bad(pc, "shift by 32 or more"));
                } else {
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
            }
            BPF_JMP => {
                let o = op(code);
                if o == BPF_JA {
                    if code != BPF_JMP | BPF_JA {
                        false
                    } else if (k as usize) >= len - pc - 1 {
                        return Err(bad(pc, format!("`ja +{k}` jumps past the end")));
                    } else {
                        true
                    }
                } else if matches!(o, BPF_JEQ | BPF_JGT | BPF_JGE | BPF_JSET)
                    && code & !(0xf0 | 0x08 | 0x07) == 0
                {
                    if pc + 1 + usize::from(ins.jt) >= len || pc + 1 + usize::from(ins.jf) >= len {
                        return Err(bad(pc, "conditional jump past the end"));
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
            return Err(bad(
                pc,
                format!("opcode {code:#06x} is not allowed in a seccomp filter"),
            ));
        }
    }
    if !prog[len - 1].is_ret() {
        return Err(bad(len - 1, "the last instruction must be a `ret`"));
    }
    check_memory(prog)
}

/// Scratch memory must be written on every path before it is read (the kernel's
/// `check_load_and_stores`).
fn check_memory(prog: &[SockFilter]) -> Result<(), Invalid> {
    if !prog
        .iter()
        .any(|i| matches!(class(i.code), BPF_ST | BPF_STX) || i.code & 0xe0 == BPF_MEM)
    {
        return Ok(());
    }
    // Bitmask of cells known written at entry of each instruction; forward jumps only, so
    // one pass in order suffices.
    let mut known = vec![u16::MAX; prog.len()];
    known[0] = 0;
    for (pc, ins) in prog.iter().enumerate() {
        let mut m = known[pc];
        match class(ins.code) {
            BPF_ST | BPF_STX => m |= 1 << ins.k,
            BPF_LD | BPF_LDX if ins.code & 0xe0 == BPF_MEM && m & (1 << ins.k) == 0 => {
                return Err(bad(
                    pc,
                    format!("reads scratch memory M[{}] before it is written", ins.k),
                ));
            }
            _ => {}
        }
        let mut flow = |t: usize| {
            if let Some(slot) = known.get_mut(t) {
                *slot &= m;
            }
        };
        match class(ins.code) {
            BPF_JMP if op(ins.code) == BPF_JA => flow(pc + 1 + ins.k as usize),
            BPF_JMP => {
                flow(pc + 1 + usize::from(ins.jt));
                flow(pc + 1 + usize::from(ins.jf));
            }
            BPF_RET => {}
            _ => flow(pc + 1),
        }
    }
    Ok(())
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
