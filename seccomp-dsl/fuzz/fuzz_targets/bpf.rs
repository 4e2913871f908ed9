//! Arbitrary bytes read as a raw filter (what `scc disasm FILE.bpf` does): decoding,
//! verifying, disassembling and interpreting never panic, and a verified program runs
//! to a return without faulting.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seccomp_dsl::bpf::{disasm, from_bytes, interp, verify};

fuzz_target!(|input: (&[u8], [u8; 64])| {
    let (bytes, data) = input;
    let Some(prog) = from_bytes(bytes) else { return };
    let _ = disasm::disasm(&prog, &disasm::Plain);
    if verify::verify(&prog).is_ok() {
        interp::run(&prog, &data).expect("a verified program runs to a return");
    } else {
        let _ = interp::run(&prog, &data);
    }
});
