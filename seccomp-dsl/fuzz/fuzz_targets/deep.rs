//! Deep and wide generated policies (the generator of `tests/fuzz_deep.rs`, driven by the
//! fuzzer's bytes): nesting thousands of levels deep, huge rules, names and group
//! fan-outs, include chains and cycles (in memory), deep `scc check` calls. Every input
//! must end with diagnostics or verified programs, never a panic, stack overflow, hang
//! or unbounded memory (run with `-rss_limit_mb` and `-timeout`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use seccomp_dsl::{Loaded, Loader, SourceMap, call};

#[path = "../../tests/generate/mod.rs"]
mod generate;

/// The case's files, in memory: `include "./x.sc"` is `x.sc`.
struct Files<'a>(&'a [(String, String)]);

impl Loader for Files<'_> {
    fn load(&mut self, _from: &str, path: &str) -> Result<Loaded, String> {
        let name = path.trim_start_matches("./");
        let (n, t) = self
            .0
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| format!("{path}: no such file"))?;
        Ok(Loaded {
            name: n.clone(),
            key: n.clone(),
            text: t.clone(),
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let case = generate::generate(data);
    let mut sources = SourceMap::new();
    let (name, text) = &case.files[0];
    let root = sources.add(name.as_str(), text.as_str());
    let out = seccomp_dsl::compile_sources(sources, root, &mut Files(&case.files));
    let _ = out.render_diagnostics(false);
    if let Some(policy) = &out.policy {
        let _ = seccomp_dsl::lint::lint(policy);
        for ap in &policy.arches {
            assert!(seccomp_dsl::diff::diff(ap, ap).unwrap().is_empty());
        }
    }
    for p in &out.programs {
        seccomp_dsl::bpf::verify::verify(&p.insns).expect("compiled program verifies");
        let ap = out.policy.as_ref().and_then(|x| x.arch(p.arch)).expect("a policy");
        for text in &case.calls {
            let mut sources = SourceMap::new();
            let file = sources.add("<call>", text.as_str());
            if let Ok(c) = call::parse_call(file, text) {
                if let Ok(r) = call::resolve(&c, p.arch) {
                    assert_eq!(call::check_call(ap, &p.insns, &r).disagreeing, 0);
                }
            }
        }
    }
});
