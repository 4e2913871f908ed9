//! A classic-BPF interpreter with seccomp's semantics: the packet is `struct
//! seccomp_data`, loads are 32-bit and aligned, the result is the returned value.

use super::*;

/// What running a program gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The value of the `ret` instruction reached.
    pub ret: u32,
    /// Instructions executed, the `ret` included (the path length).
    pub steps: usize,
    /// Whether an argument or the instruction pointer was loaded on the way (a path that
    /// only looks at `nr` and `arch` can be cached by the kernel).
    pub read_args: bool,
}

/// Why a program could not be run to a `ret`. A program that passes
/// [`verify`](super::verify::verify) never fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The program counter left the program.
    OutOfBounds { pc: usize },
    /// A load outside `seccomp_data` or unaligned.
    BadLoad { pc: usize, k: u32 },
    /// An opcode seccomp does not accept.
    BadOpcode { pc: usize, code: u16 },
    /// A scratch-memory index over 15.
    BadMem { pc: usize, k: u32 },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::OutOfBounds { pc } => write!(f, "jump out of the program at {pc}"),
            Fault::BadLoad { pc, k } => write!(f, "bad load of offset {k} at {pc}"),
            Fault::BadOpcode { pc, code } => write!(f, "bad opcode {code:#06x} at {pc}"),
            Fault::BadMem { pc, k } => write!(f, "bad scratch memory index {k} at {pc}"),
        }
    }
}

impl std::error::Error for Fault {}

/// Runs `prog` on `data` (the 64 bytes of `seccomp_data`, little-endian).
pub fn run(prog: &[SockFilter], data: &[u8; 64]) -> Result<Outcome, Fault> {
    let word = |k: u32| {
        u32::from_le_bytes(
            data[k as usize..k as usize + 4]
                .try_into()
                .expect("4 bytes"),
        )
    };
    let mut a: u32 = 0;
    let mut x: u32 = 0;
    let mut mem = [0u32; BPF_MEMWORDS as usize];
    let mut pc = 0usize;
    let mut steps = 0usize;
    let mut read_args = false;
    loop {
        let Some(ins) = prog.get(pc) else {
            return Err(Fault::OutOfBounds { pc });
        };
        steps += 1;
        let k = ins.k;
        let code = ins.code;
        let src = if code & BPF_X != 0 { x } else { k };
        match class(code) {
            BPF_LD | BPF_LDX => {
                let v = match code & 0xe0 {
                    BPF_ABS if code & 0x18 == BPF_W && class(code) == BPF_LD => {
                        // `k > SIZE - 4`, not `k + 4 > SIZE`: `k` is untrusted and may overflow.
                        if k % 4 != 0 || k > SECCOMP_DATA_SIZE - 4 {
                            return Err(Fault::BadLoad { pc, k });
                        }
                        read_args |= k >= offset::IP_LO;
                        word(k)
                    }
                    BPF_IMM => k,
                    BPF_LEN => SECCOMP_DATA_SIZE,
                    BPF_MEM => {
                        if k >= BPF_MEMWORDS {
                            return Err(Fault::BadMem { pc, k });
                        }
                        mem[k as usize]
                    }
                    _ => return Err(Fault::BadOpcode { pc, code }),
                };
                if class(code) == BPF_LD {
                    a = v;
                } else {
                    x = v;
                }
                pc += 1;
            }
            BPF_ST | BPF_STX => {
                if k >= BPF_MEMWORDS {
                    return Err(Fault::BadMem { pc, k });
                }
                mem[k as usize] = if class(code) == BPF_ST { a } else { x };
                pc += 1;
            }
            BPF_ALU => {
                a = match op(code) {
                    BPF_ADD => a.wrapping_add(src),
                    BPF_SUB => a.wrapping_sub(src),
                    BPF_MUL => a.wrapping_mul(src),
                    BPF_DIV => {
                        if src == 0 {
                            // Classic BPF: division by zero ends the program with 0.
                            return Ok(Outcome {
                                ret: 0,
                                steps,
                                read_args,
                            });
                        }
                        a / src
                    }
                    BPF_MOD => {
                        if src == 0 {
                            return Ok(Outcome {
                                ret: 0,
                                steps,
                                read_args,
                            });
                        }
                        a % src
                    }
                    BPF_OR => a | src,
                    BPF_AND => a & src,
                    BPF_XOR => a ^ src,
                    BPF_LSH => a.wrapping_shl(src & 31),
                    BPF_RSH => a.wrapping_shr(src & 31),
                    BPF_NEG => a.wrapping_neg(),
                    _ => return Err(Fault::BadOpcode { pc, code }),
                };
                pc += 1;
            }
            BPF_JMP => {
                let next = pc + 1;
                pc = match op(code) {
                    BPF_JA => next + k as usize,
                    o => {
                        let taken = match o {
                            BPF_JEQ => a == src,
                            BPF_JGT => a > src,
                            BPF_JGE => a >= src,
                            BPF_JSET => a & src != 0,
                            _ => return Err(Fault::BadOpcode { pc, code }),
                        };
                        next + usize::from(if taken { ins.jt } else { ins.jf })
                    }
                };
            }
            BPF_RET => {
                let ret = match code & 0x18 {
                    BPF_K => k,
                    BPF_A => a,
                    _ => return Err(Fault::BadOpcode { pc, code }),
                };
                return Ok(Outcome {
                    ret,
                    steps,
                    read_args,
                });
            }
            BPF_MISC => {
                match code & 0xf8 {
                    BPF_TAX => x = a,
                    BPF_TXA => a = x,
                    _ => return Err(Fault::BadOpcode { pc, code }),
                }
                pc += 1;
            }
            _ => return Err(Fault::BadOpcode { pc, code }),
        }
    }
}
