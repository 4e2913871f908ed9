//! Classic BPF as seccomp uses it: instructions, a verifier with the kernel's rules, an
//! interpreter, a disassembler and the kernel's constant-action cache analysis.
//!
//! This layer knows nothing about policies.

pub mod cache;
pub mod disasm;
pub mod format;
pub mod interp;
pub mod verify;

/// One instruction: the kernel's `struct sock_filter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SockFilter {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

/// The kernel's limit on a classic BPF program (`BPF_MAXINSNS`).
pub const MAX_INSNS: usize = 4096;

/// Size of `struct seccomp_data`.
pub const SECCOMP_DATA_SIZE: u32 = 64;

/// Offsets into `struct seccomp_data`.
pub mod offset {
    pub const NR: u32 = 0;
    pub const ARCH: u32 = 4;
    pub const IP_LO: u32 = 8;
    pub const IP_HI: u32 = 12;

    /// Offset of the low (`hi == false`) or high word of argument `i` (little-endian).
    pub const fn arg(i: u8, hi: bool) -> u32 {
        16 + 8 * i as u32 + if hi { 4 } else { 0 }
    }
}

// Instruction classes, sizes, modes, operations (include/uapi/linux/bpf_common.h).
pub const BPF_LD: u16 = 0x00;
pub const BPF_LDX: u16 = 0x01;
pub const BPF_ST: u16 = 0x02;
pub const BPF_STX: u16 = 0x03;
pub const BPF_ALU: u16 = 0x04;
pub const BPF_JMP: u16 = 0x05;
pub const BPF_RET: u16 = 0x06;
pub const BPF_MISC: u16 = 0x07;

pub const BPF_W: u16 = 0x00;
pub const BPF_H: u16 = 0x08;
pub const BPF_B: u16 = 0x10;

pub const BPF_IMM: u16 = 0x00;
pub const BPF_ABS: u16 = 0x20;
pub const BPF_IND: u16 = 0x40;
pub const BPF_MEM: u16 = 0x60;
pub const BPF_LEN: u16 = 0x80;
pub const BPF_MSH: u16 = 0xa0;

pub const BPF_ADD: u16 = 0x00;
pub const BPF_SUB: u16 = 0x10;
pub const BPF_MUL: u16 = 0x20;
pub const BPF_DIV: u16 = 0x30;
pub const BPF_OR: u16 = 0x40;
pub const BPF_AND: u16 = 0x50;
pub const BPF_LSH: u16 = 0x60;
pub const BPF_RSH: u16 = 0x70;
pub const BPF_NEG: u16 = 0x80;
pub const BPF_MOD: u16 = 0x90;
pub const BPF_XOR: u16 = 0xa0;

pub const BPF_JA: u16 = 0x00;
pub const BPF_JEQ: u16 = 0x10;
pub const BPF_JGT: u16 = 0x20;
pub const BPF_JGE: u16 = 0x30;
pub const BPF_JSET: u16 = 0x40;

pub const BPF_K: u16 = 0x00;
pub const BPF_X: u16 = 0x08;
pub const BPF_A: u16 = 0x10;

pub const BPF_TAX: u16 = 0x00;
pub const BPF_TXA: u16 = 0x80;

/// Number of scratch memory cells.
pub const BPF_MEMWORDS: u32 = 16;

pub const fn class(code: u16) -> u16 {
    code & 0x07
}

pub const fn op(code: u16) -> u16 {
    code & 0xf0
}

impl SockFilter {
    /// A non-jump instruction (`BPF_STMT`).
    pub const fn stmt(code: u16, k: u32) -> SockFilter {
        SockFilter {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    /// A conditional jump (`BPF_JUMP`).
    pub const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> SockFilter {
        SockFilter { code, jt, jf, k }
    }

    /// `ld [offset]`: load a 32-bit word of `seccomp_data`.
    pub const fn load(offset: u32) -> SockFilter {
        SockFilter::stmt(BPF_LD | BPF_W | BPF_ABS, offset)
    }

    /// `ret #k`.
    pub const fn ret(k: u32) -> SockFilter {
        SockFilter::stmt(BPF_RET | BPF_K, k)
    }

    pub const fn is_ret(&self) -> bool {
        class(self.code) == BPF_RET
    }

    pub const fn is_cond_jump(&self) -> bool {
        class(self.code) == BPF_JMP && op(self.code) != BPF_JA
    }

    /// The record as `seccomp_export_bpf` writes it: `code`, `jt`, `jf`, `k`, little-endian.
    pub fn to_bytes(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[0..2].copy_from_slice(&self.code.to_le_bytes());
        b[2] = self.jt;
        b[3] = self.jf;
        b[4..8].copy_from_slice(&self.k.to_le_bytes());
        b
    }

    pub fn from_bytes(b: [u8; 8]) -> SockFilter {
        SockFilter {
            code: u16::from_le_bytes([b[0], b[1]]),
            jt: b[2],
            jf: b[3],
            k: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }
}

/// Serialises a program as raw 8-byte records.
pub fn to_bytes(prog: &[SockFilter]) -> Vec<u8> {
    prog.iter().flat_map(|i| i.to_bytes()).collect()
}

/// Parses raw 8-byte records; `None` if the length is not a multiple of 8.
pub fn from_bytes(bytes: &[u8]) -> Option<Vec<SockFilter>> {
    if bytes.len() % 8 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(8)
            .map(|c| SockFilter::from_bytes(c.try_into().expect("8 bytes")))
            .collect(),
    )
}
