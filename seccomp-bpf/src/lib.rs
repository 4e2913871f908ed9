//! Classic BPF as seccomp uses it: the instruction type and its 8-byte encoding in either
//! byte order, the kernel's `SECCOMP_RET_*` values and `seccomp_data` layout, a verifier
//! with the kernel's rules (usable in `const` context), an interpreter, a disassembler
//! and the kernel's constant-action cache analysis.
//!
//! This is the bottom layer of the workspace: it depends on nothing and knows nothing
//! about policies, syscall names or architectures beyond byte order. The runtime
//! (`seccomp-rt`) uses it to validate and install filters, the compiler (`seccomp-dsl`)
//! to emit, check and run them.
//!
//! ```
//! use seccomp_bpf::{Endian, SockFilter, interp, offset, ret, verify};
//!
//! // Allow everything on arch 0xc000003e (x86_64), kill anything else.
//! let prog = [
//!     SockFilter::load(offset::ARCH),
//!     SockFilter::jump(seccomp_bpf::BPF_JMP | seccomp_bpf::BPF_JEQ, 0xc000_003e, 0, 1),
//!     SockFilter::ret(ret::ALLOW),
//!     SockFilter::ret(ret::KILL_PROCESS),
//! ];
//! verify::verify(&prog).unwrap();
//! let mut data = [0u8; 64];
//! data[4..8].copy_from_slice(&0xc000_003eu32.to_le_bytes());
//! assert_eq!(interp::run(&prog, &data).unwrap().ret, ret::ALLOW);
//! // What `seccomp_export_bpf` writes on a little-endian machine:
//! assert_eq!(seccomp_bpf::encode(&prog, Endian::Little).len(), 32);
//! ```

pub mod cache;
pub mod disasm;
pub mod format;
pub mod interp;
pub mod verify;

/// One instruction: the kernel's `struct sock_filter`, with the same layout (`repr(C)`),
/// so a slice of them can be handed to `seccomp(2)` as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C)]
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

/// The kernel's `SECCOMP_RET_*` values (include/uapi/linux/seccomp.h): what a filter's
/// `ret` returns.
pub mod ret {
    pub const KILL_PROCESS: u32 = 0x8000_0000;
    pub const KILL_THREAD: u32 = 0x0000_0000;
    pub const TRAP: u32 = 0x0003_0000;
    pub const ERRNO: u32 = 0x0005_0000;
    pub const USER_NOTIF: u32 = 0x7fc0_0000;
    pub const TRACE: u32 = 0x7ff0_0000;
    pub const LOG: u32 = 0x7ffc_0000;
    pub const ALLOW: u32 = 0x7fff_0000;
    /// The action part of a returned value.
    pub const ACTION_FULL: u32 = 0xffff_0000;
    /// The data part (the errno, the trace message).
    pub const DATA: u32 = 0x0000_ffff;

    /// The action a returned value asks for, as the kernel reads it, numbers as numbers
    /// (`errno(13)`): unknown actions kill the process, errno data above 4095 is 4095.
    /// Callers that know errno names print their own.
    pub fn describe(k: u32) -> String {
        let data = k & DATA;
        match k & ACTION_FULL {
            KILL_PROCESS => "kill_process".into(),
            KILL_THREAD => "kill_thread".into(),
            TRAP => "trap".into(),
            ERRNO => format!("errno({})", data.min(4095)),
            TRACE => format!("trace({data})"),
            LOG => "log".into(),
            ALLOW => "allow".into(),
            USER_NOTIF => "notify".into(),
            _ => "kill_process (unknown action)".into(),
        }
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

    /// The instructions that may run next: none after a `ret`, one after a `ja` or any
    /// other instruction, two after a conditional jump. Targets are not bounds-checked.
    pub fn successors(&self, pc: usize) -> Successors {
        let next = pc + 1;
        match class(self.code) {
            BPF_RET => Successors([None, None]),
            BPF_JMP if op(self.code) == BPF_JA => Successors([Some(next + self.k as usize), None]),
            BPF_JMP => Successors([
                Some(next + usize::from(self.jt)),
                Some(next + usize::from(self.jf)),
            ]),
            _ => Successors([Some(next), None]),
        }
    }

    /// The 8-byte record in the given byte order: `code`, `jt`, `jf`, `k`.
    pub const fn to_bytes(&self, endian: Endian) -> [u8; 8] {
        let (c, k) = match endian {
            Endian::Little => (self.code.to_le_bytes(), self.k.to_le_bytes()),
            Endian::Big => (self.code.to_be_bytes(), self.k.to_be_bytes()),
        };
        [c[0], c[1], self.jt, self.jf, k[0], k[1], k[2], k[3]]
    }

    /// Reads an 8-byte record in the given byte order.
    pub const fn from_bytes(b: [u8; 8], endian: Endian) -> SockFilter {
        let (code, k) = match endian {
            Endian::Little => (
                u16::from_le_bytes([b[0], b[1]]),
                u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
            ),
            Endian::Big => (
                u16::from_be_bytes([b[0], b[1]]),
                u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            ),
        };
        SockFilter {
            code,
            jt: b[2],
            jf: b[3],
            k,
        }
    }
}

/// Where an instruction may continue: up to two targets (see [`SockFilter::successors`]).
#[derive(Clone, Copy, Debug)]
pub struct Successors([Option<usize>; 2]);

impl Iterator for Successors {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let t = self.0[0].take();
        self.0.swap(0, 1);
        t
    }
}

/// Byte order of a filter's records and of `seccomp_data`: the target machine's, which
/// is what the kernel reads there (and what libseccomp's `seccomp_export_bpf` writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endian {
    Little,
    Big,
}

impl Endian {
    /// The byte order of the machine this code runs on.
    pub const NATIVE: Endian = if cfg!(target_endian = "big") {
        Endian::Big
    } else {
        Endian::Little
    };
}

/// Serialises a program as 8-byte records in the given byte order.
pub fn encode(prog: &[SockFilter], endian: Endian) -> Vec<u8> {
    prog.iter().flat_map(|i| i.to_bytes(endian)).collect()
}

/// Parses 8-byte records in the given byte order; `None` if the length is not a multiple
/// of 8. (Whether the program is valid is [`verify`]'s question.)
pub fn decode(bytes: &[u8], endian: Endian) -> Option<Vec<SockFilter>> {
    if bytes.len() % 8 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(8)
            .map(|c| SockFilter::from_bytes(c.try_into().expect("8 bytes"), endian))
            .collect(),
    )
}

/// [`decode`] of exactly `N` records, in `const` context: how `seccomp_policy!` embeds a
/// program (one byte string costs the compiler far less than a struct literal per
/// instruction). Panics (a compile error in a `const`) if the length is not `8 * N`.
pub const fn decode_array<const N: usize>(bytes: &[u8], endian: Endian) -> [SockFilter; N] {
    assert!(bytes.len() == N * 8, "a program is 8 bytes per instruction");
    let mut out = [SockFilter::ret(0); N];
    let mut i = 0;
    while i < N {
        let b = i * 8;
        out[i] = SockFilter::from_bytes(
            [
                bytes[b],
                bytes[b + 1],
                bytes[b + 2],
                bytes[b + 3],
                bytes[b + 4],
                bytes[b + 5],
                bytes[b + 6],
                bytes[b + 7],
            ],
            endian,
        );
        i += 1;
    }
    out
}

/// Little-endian [`encode`]: the layout `scc compile --format raw` writes for the
/// little-endian architectures.
pub fn to_bytes(prog: &[SockFilter]) -> Vec<u8> {
    encode(prog, Endian::Little)
}

/// Little-endian [`decode`].
pub fn from_bytes(bytes: &[u8]) -> Option<Vec<SockFilter>> {
    decode(bytes, Endian::Little)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_in_both_byte_orders() {
        let prog = [
            SockFilter::load(4),
            SockFilter::jump(BPF_JMP | BPF_JEQ, 0x1234_5678, 1, 2),
        ];
        for endian in [Endian::Little, Endian::Big] {
            assert_eq!(decode(&encode(&prog, endian), endian).unwrap(), prog);
            let arr: [SockFilter; 2] = decode_array(&encode(&prog, endian), endian);
            assert_eq!(arr, prog);
        }
        assert_eq!(
            encode(&prog[1..], Endian::Big),
            [0x00, 0x15, 1, 2, 0x12, 0x34, 0x56, 0x78]
        );
        assert_eq!(
            encode(&prog[1..], Endian::Little),
            [0x15, 0x00, 1, 2, 0x78, 0x56, 0x34, 0x12]
        );
        assert_eq!(decode(&[0; 7], Endian::Little), None);
    }

    #[test]
    fn successors() {
        let s = |i: SockFilter| i.successors(10).collect::<Vec<_>>();
        assert_eq!(s(SockFilter::ret(0)), []);
        assert_eq!(s(SockFilter::load(0)), [11]);
        assert_eq!(s(SockFilter::stmt(BPF_JMP | BPF_JA, 5)), [16]);
        assert_eq!(s(SockFilter::jump(BPF_JMP | BPF_JEQ, 0, 2, 3)), [13, 14]);
    }
}
