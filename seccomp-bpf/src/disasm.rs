//! A readable listing of a program: one instruction a line, jump targets as line numbers,
//! and comments saying what is loaded, which syscall a compared number is, and which
//! action a `ret` returns.

use std::fmt::Write as _;

use super::*;

/// Supplies the comments of a listing. The default methods know `seccomp_data`'s layout
/// and the return values; an architecture-aware annotator adds syscall names.
pub trait Annotate {
    /// What a load of `offset` reads.
    fn load(&self, offset: u32) -> Option<String> {
        Some(match offset {
            offset::NR => "nr".into(),
            offset::ARCH => "arch".into(),
            offset::IP_LO => "instruction_pointer (low)".into(),
            offset::IP_HI => "instruction_pointer (high)".into(),
            o if (16..64).contains(&o) => {
                format!(
                    "arg{} ({})",
                    (o - 16) / 8,
                    if (o - 16) % 8 == 0 { "low" } else { "high" }
                )
            }
            _ => return None,
        })
    }

    /// What comparing the word loaded from `offset` with `k` means (e.g. a syscall name).
    fn compare(&self, offset: u32, k: u32) -> Option<String> {
        let _ = (offset, k);
        None
    }

    /// What a returned value means (numbers as numbers: `errno(13)`; an annotator that
    /// knows errno names says `errno(EACCES)`).
    fn ret(&self, k: u32) -> Option<String> {
        Some(ret::describe(k))
    }
}

/// Annotations without architecture knowledge.
pub struct Plain;

impl Annotate for Plain {}

/// Renders the program.
pub fn disasm(prog: &[SockFilter], ann: &dyn Annotate) -> String {
    let a_src = accumulator_sources(prog);
    let width = prog.len().saturating_sub(1).to_string().len().max(2);
    let mut out = String::new();
    for (pc, ins) in prog.iter().enumerate() {
        let (text, comment) = insn_text(pc, ins, a_src[pc], ann, width);
        if let Some(c) = comment {
            let _ = writeln!(out, "{pc:>width$}: {text:<36} ; {c}");
        } else {
            let _ = writeln!(out, "{pc:>width$}: {text}");
        }
    }
    out
}

fn target(pc: usize, off: u32, width: usize) -> String {
    format!("{:0width$}", pc + 1 + off as usize)
}

fn insn_text(
    pc: usize,
    ins: &SockFilter,
    a_src: Option<u32>,
    ann: &dyn Annotate,
    width: usize,
) -> (String, Option<String>) {
    let k = ins.k;
    let code = ins.code;
    let src = if code & BPF_X != 0 {
        "x".to_string()
    } else {
        format!("#{k:#x}")
    };
    match class(code) {
        BPF_LD => match code & 0xe0 {
            BPF_ABS => (format!("ld   [{k}]"), ann.load(k)),
            BPF_IMM => (format!("ld   #{k:#x}"), None),
            BPF_LEN => ("ld   #len".into(), None),
            BPF_MEM => (format!("ld   M[{k}]"), None),
            _ => (
                format!(".word {code:#06x} {} {} {k:#x}", ins.jt, ins.jf),
                Some("invalid".into()),
            ),
        },
        BPF_LDX => match code & 0xe0 {
            BPF_IMM => (format!("ldx  #{k:#x}"), None),
            BPF_LEN => ("ldx  #len".into(), None),
            BPF_MEM => (format!("ldx  M[{k}]"), None),
            _ => (format!(".word {code:#06x}"), Some("invalid".into())),
        },
        BPF_ST => (format!("st   M[{k}]"), None),
        BPF_STX => (format!("stx  M[{k}]"), None),
        BPF_ALU => {
            let name = match op(code) {
                BPF_ADD => "add",
                BPF_SUB => "sub",
                BPF_MUL => "mul",
                BPF_DIV => "div",
                BPF_MOD => "mod",
                BPF_OR => "or",
                BPF_AND => "and",
                BPF_XOR => "xor",
                BPF_LSH => "lsh",
                BPF_RSH => "rsh",
                BPF_NEG => return ("neg".into(), None),
                _ => "alu?",
            };
            (format!("{name:<4} {src}"), None)
        }
        BPF_JMP => {
            if op(code) == BPF_JA {
                return (format!("ja   {}", target(pc, k, width)), None);
            }
            let name = match op(code) {
                BPF_JEQ => "jeq",
                BPF_JGT => "jgt",
                BPF_JGE => "jge",
                BPF_JSET => "jset",
                _ => "j?",
            };
            let comment = if code & BPF_X == 0 {
                a_src.and_then(|o| ann.compare(o, k))
            } else {
                None
            };
            (
                format!(
                    "{name:<4} {src}, {}, {}",
                    target(pc, u32::from(ins.jt), width),
                    target(pc, u32::from(ins.jf), width)
                ),
                comment,
            )
        }
        BPF_RET => {
            if code & 0x18 == BPF_A {
                ("ret  a".into(), None)
            } else {
                (format!("ret  #{k:#x}"), ann.ret(k))
            }
        }
        BPF_MISC => (
            if code & 0xf8 == BPF_TXA {
                "txa".into()
            } else {
                "tax".into()
            },
            None,
        ),
        _ => (format!(".word {code:#06x}"), Some("invalid".into())),
    }
}

/// For each instruction, the `seccomp_data` offset the accumulator holds unmodified on
/// every path reaching it, if any.
fn accumulator_sources(prog: &[SockFilter]) -> Vec<Option<u32>> {
    // `Some(None)`: reached, unknown; `None`: not reached yet.
    let mut state: Vec<Option<Option<u32>>> = vec![None; prog.len()];
    if !prog.is_empty() {
        state[0] = Some(None);
    }
    for pc in 0..prog.len() {
        let Some(inp) = state[pc] else { continue };
        let ins = prog[pc];
        let out = match class(ins.code) {
            BPF_LD if ins.code & 0xe0 == BPF_ABS => Some(ins.k),
            BPF_LD | BPF_ALU => None,
            BPF_MISC if ins.code & 0xf8 == BPF_TXA => None,
            _ => inp,
        };
        for t in ins.successors(pc) {
            if let Some(slot) = state.get_mut(t) {
                *slot = Some(match *slot {
                    None => out,
                    Some(prev) if prev == out => out,
                    Some(_) => None,
                });
            }
        }
    }
    state.into_iter().map(|s| s.flatten()).collect()
}
