//! Any text through the whole front end: parse, check, lint, compile, render. The
//! compiler must answer with diagnostics, never panic or hang, and a policy it accepts
//! must compile to programs the verifier accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let out = seccomp_dsl::compile_str("fuzz.sc", text);
    let _ = out.render_diagnostics(false);
    if let Some(policy) = &out.policy {
        let _ = seccomp_dsl::lint::lint(policy);
    }
    for p in &out.programs {
        seccomp_dsl::bpf::verify::verify(&p.insns).expect("compiled program verifies");
    }
});
