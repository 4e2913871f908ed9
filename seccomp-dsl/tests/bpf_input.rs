//! Untrusted filters (`scc disasm FILE.bpf`, `Filter::from_bytes`): decoding, verifying,
//! disassembling and interpreting arbitrary instructions never panic, and a program the
//! verifier accepts runs to a return on any `seccomp_data`. The `bpf` fuzz target in
//! `fuzz/` explores the same property without bounds; this keeps it in `cargo test`.

use proptest::prelude::*;
use seccomp_dsl::bpf::{self, SockFilter, disasm, interp, verify};

/// Opcodes seccomp accepts (and a few it does not), so generated programs get past the
/// verifier often enough to exercise the interpreter.
const OPCODES: &[u16] = &[
    0x20, 0x80, 0x00, 0x01, 0x60, 0x61, 0x02, 0x03, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c,
    0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0x05, 0x15, 0x1d,
    0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x06, 0x16, 0x07, 0x87, 0x28, 0x30, 0xffff,
];

fn insn() -> impl Strategy<Value = SockFilter> {
    (
        prop_oneof![proptest::sample::select(OPCODES), any::<u16>()],
        0u8..4,
        0u8..4,
        prop_oneof![0u32..80, Just(u32::MAX), Just(u32::MAX - 3), any::<u32>()],
    )
        .prop_map(|(code, jt, jf, k)| SockFilter { code, jt, jf, k })
}

fn check(prog: &[SockFilter], data: &[u8; 64]) {
    let bytes = bpf::to_bytes(prog);
    assert_eq!(bpf::from_bytes(&bytes).as_deref(), Some(prog));
    let _ = disasm::disasm(prog, &disasm::Plain);
    let result = interp::run(prog, data);
    if verify::verify(prog).is_ok() {
        assert!(
            result.is_ok(),
            "verified program faulted: {result:?} on {prog:?}"
        );
    }
}

/// Found by the `bpf` fuzz target: `ld [0xfffffffc]` overflowed the bounds check.
#[test]
fn load_at_the_top_of_the_address_space_is_a_fault() {
    let prog = [SockFilter {
        code: 0x20,
        jt: 0,
        jf: 0,
        k: u32::MAX - 3,
    }];
    assert!(verify::verify(&prog).is_err());
    assert!(matches!(
        interp::run(&prog, &[0; 64]),
        Err(interp::Fault::BadLoad { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_programs_never_panic(
        prog in proptest::collection::vec(insn(), 1..24),
        data in proptest::array::uniform32(any::<u8>()),
        tail in proptest::array::uniform32(any::<u8>()),
    ) {
        let mut full = [0u8; 64];
        full[..32].copy_from_slice(&data);
        full[32..].copy_from_slice(&tail);
        check(&prog, &full);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Some(prog) = bpf::from_bytes(&bytes) {
            check(&prog, &[0; 64]);
        }
    }
}
