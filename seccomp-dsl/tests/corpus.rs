//! Every policy of the corpus under `tests/corpus/` (at the workspace root) through the
//! whole tool chain, with no panic anywhere:
//!
//! - `valid/*.sc`: policies for real kinds of programs and denylists. Each compiles
//!   without errors for every target arch; the lints run and point inside the files;
//!   `fmt` gives a fixed point that keeps every comment and compiles to byte-identical
//!   filters; the filters pass the verifier and, on a sample of calls of every syscall
//!   number, the BPF interpreter returns what the reference evaluator decides; and
//!   `scc check` (`seccomp_dsl::call`) on the syscalls its rules name, with every argument
//!   `_`, finds no input where the filter and the policy disagree.
//! - `broken/*.sc`: each has at least one error, every error points inside its file and
//!   renders, the codes named on its `// expect:` line are among them; `fmt` either
//!   refuses it with the same syntax error or gives a fixed point with the same errors.
//! - `lib/*.sc`: fragments the others include; they format to a fixed point.
//!
//! A file that panics is reported by name (each runs under `catch_unwind`).

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use seccomp_dsl::bpf::{interp, verify};
use seccomp_dsl::eval::SeccompData;
use seccomp_dsl::policy::ArchPolicy;
use seccomp_dsl::{
    Code, Diagnostic, FileId, FsLoader, Output, SourceMap, Span, call, evaluate, fmt, lint, parse,
};

/// The boundary values the differential tests use (shared with the `tests` crate).
#[allow(dead_code)]
#[path = "../../tests/common/inputs.rs"]
mod inputs;

fn corpus(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus")
        .join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sc"))
        .collect();
    files.sort();
    files
}

/// Runs `check` on every file, each under `catch_unwind`; fails listing every file that
/// failed or panicked. Returns what the checks returned.
fn run_all<T>(files: &[PathBuf], check: impl Fn(&Path, &str) -> Result<T, String>) -> Vec<T> {
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match catch_unwind(AssertUnwindSafe(|| check(path, &text))) {
            Ok(Ok(r)) => results.push(r),
            Ok(Err(msg)) => failures.push(format!("{name}: {msg}")),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{name}: PANICKED: {msg}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    results
}

/// Compiles `text` as if it were the file `path` (relative includes resolve).
fn compile_as(path: &Path, text: &str) -> Output {
    let mut sources = SourceMap::new();
    let root = sources.add(path.display().to_string(), text);
    seccomp_dsl::compile_sources(sources, root, &mut FsLoader)
}

/// Whether a span lies inside the text of its file.
fn in_bounds(out: &Output, span: Span) -> bool {
    span.start <= span.end && span.end as usize <= out.sources.file(span.file).text.len()
}

/// `fmt`'s promises: a fixed point that keeps every comment. Returns the formatted text.
fn format_checked(text: &str) -> Result<Option<String>, String> {
    let Ok(once) = fmt::format(text) else {
        return Ok(None);
    };
    let twice = fmt::format(&once).map_err(|d| format!("fmt output does not parse: {d:?}"))?;
    if twice != once {
        return Err(format!(
            "fmt is not a fixed point:\n--- once\n{once}\n--- twice\n{twice}"
        ));
    }
    let mut rest = once.clone();
    for c in parse::comments(FileId::ROOT, text) {
        let c = text[c.span.range()].trim_end().replace("\r\n", "\n");
        let at = rest
            .find(&c)
            .ok_or_else(|| format!("fmt lost the comment {c:?}"))?;
        rest.replace_range(at..at + c.len(), "");
    }
    Ok(Some(once))
}

/// A sample of calls: every syscall number (and a few past the last) with zero and
/// all-ones arguments; for the numbers the policy has conditions on, each argument swept
/// through its boundary values alone plus random combinations; x32 numbers; a wrong arch.
fn sample(p: &ArchPolicy) -> Vec<SeccompData> {
    let arch = p.arch.audit_arch();
    let mut rng = inputs::Rng::new(0x5eed_0000 ^ u64::from(arch));
    let mut out = Vec::new();
    for nr in 0..=p.arch.max_nr() + 4 {
        out.push(SeccompData::new(arch, nr, [0; 6]));
        out.push(SeccompData::new(arch, nr, [u64::MAX; 6]));
        let values = inputs::arg_values(p, nr);
        if values.iter().all(Vec::is_empty) {
            continue;
        }
        for (i, vals) in values.iter().enumerate() {
            for &v in vals {
                let mut args = [0; 6];
                args[i] = v;
                out.push(SeccompData::new(arch, nr, args));
            }
        }
        for _ in 0..32 {
            let mut args = [0; 6];
            for (i, vals) in values.iter().enumerate() {
                args[i] = if vals.is_empty() {
                    rng.next()
                } else {
                    *rng.pick(vals)
                };
            }
            out.push(SeccompData::new(arch, nr, args));
        }
    }
    if let Some(x32) = p.arch.x32_bit() {
        for nr in [0, 1, 59, 231] {
            out.push(SeccompData::new(arch, nr | x32, [0; 6]));
        }
    }
    out.push(SeccompData::new(arch ^ 0x8000_0000, 0, [0; 6]));
    out
}

/// What one valid file gave: the lint codes it triggered and how many calls were checked.
struct Valid {
    lints: Vec<Code>,
    calls: usize,
}

fn check_valid(path: &Path, text: &str) -> Result<Valid, String> {
    let out = compile_as(path, text);
    if out.has_errors() {
        return Err(format!("errors:\n{}", out.render_diagnostics(false)));
    }
    let policy = out.policy.as_ref().ok_or("no policy")?;
    if out.programs.len() != policy.arches.len() || out.programs.is_empty() {
        return Err("not one program per arch".into());
    }

    // Lints (`scc lint`), pointing inside the files and rendering.
    let lints = lint::lint(policy);
    for d in &lints {
        if d.is_error() {
            return Err(format!("a lint is an error: {}", d.one_line(&out.sources)));
        }
        if let Some(span) = d.span().filter(|s| !in_bounds(&out, *s)) {
            return Err(format!("{:?} points outside its file: {span:?}", d.code));
        }
        let _ = d.render(&out.sources, false);
    }

    // fmt keeps the meaning: the same bytes for every arch (trivially when the file is
    // already formatted).
    let formatted = format_checked(text)?.ok_or("fmt refuses a valid policy")?;
    if formatted != text {
        let again = compile_as(path, &formatted);
        if again.has_errors() {
            return Err(format!(
                "the formatted policy has errors:\n{}",
                again.render_diagnostics(false)
            ));
        }
        for (a, b) in out.programs.iter().zip(&again.programs) {
            if a.arch != b.arch || a.insns != b.insns {
                return Err(format!("fmt changes the {} filter", a.arch));
            }
        }
    }
    differential(&out, lints)
}

/// The filters of a valid policy against the reference evaluator.
fn differential(out: &Output, lints: Vec<Diagnostic>) -> Result<Valid, String> {
    let policy = out.policy.as_ref().ok_or("no policy")?;
    let mut calls = 0;
    for prog in &out.programs {
        let p = policy.arch(prog.arch).ok_or("no arch policy")?;
        verify::verify(&prog.insns).map_err(|e| format!("{}: {e}", prog.arch))?;
        for data in sample(p) {
            let want = evaluate(p, &data).action;
            let got = interp::run(&prog.insns, &data.to_bytes())
                .map_err(|e| format!("{}: {e:?} on {data:x?}", prog.arch))?
                .ret;
            if got != want.ret() {
                return Err(format!(
                    "{}: {data:x?}: the filter returns {got:#x}, the policy says {want}",
                    prog.arch
                ));
            }
            calls += 1;
        }
        calls += check_named_calls(p, &prog.insns)?;
    }
    Ok(Valid {
        lints: lints.iter().map(|d| d.code).collect(),
        calls,
    })
}

/// What `scc check NAME` does for the first few syscalls the rules name: every argument
/// is `_`, so each is tried with the values the policy's conditions tell apart.
fn check_named_calls(
    p: &ArchPolicy,
    prog: &[seccomp_dsl::bpf::SockFilter],
) -> Result<usize, String> {
    let mut nrs: Vec<u32> = p.rules.iter().map(|r| r.nr()).collect();
    nrs.dedup();
    let mut inputs = 0;
    for nr in nrs.into_iter().take(6) {
        let name = p
            .arch
            .syscall_by_nr(nr)
            .map_or_else(|| nr.to_string(), |s| s.name.to_owned());
        let parsed = call::parse_call(FileId::default(), &name).map_err(|d| d.message)?;
        let resolved = call::resolve(&parsed, p.arch).map_err(|d| d.message)?;
        let report = call::check_call(p, prog, &resolved);
        if report.outcomes.is_empty() || report.disagreeing > 0 {
            return Err(format!(
                "{}: scc check {name}: {} outcomes, disagreements {:x?}",
                p.arch,
                report.outcomes.len(),
                report.disagreements
            ));
        }
        inputs += report.inputs;
    }
    Ok(inputs)
}

/// The codes a broken file's `// expect: S0101, S0103 (...)` lines name.
fn expected_codes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("// expect:"))
        .flat_map(|l| l.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| {
            w.len() == 5 && w.starts_with('S') && w[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

fn error_codes(out: &Output) -> BTreeSet<&'static str> {
    out.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.id())
        .collect()
}

fn check_broken(path: &Path, text: &str) -> Result<BTreeSet<&'static str>, String> {
    let out = compile_as(path, text);
    let codes = error_codes(&out);
    if codes.is_empty() {
        return Err("no error".into());
    }
    if !out.programs.is_empty() {
        return Err("a policy with errors produced a filter".into());
    }
    let mut placed = false;
    for d in out.diagnostics.iter().filter(|d| d.is_error()) {
        for label in d.primary.iter().chain(&d.secondary) {
            if !in_bounds(&out, label.span) {
                return Err(format!(
                    "{:?} points outside its file: {:?}",
                    d.code, label.span
                ));
            }
        }
        placed |= d.span().is_some();
    }
    if !placed {
        return Err("no error points at the source".into());
    }
    let rendered = out.render_diagnostics(false);
    for want in expected_codes(text) {
        if !codes.contains(want.as_str()) {
            return Err(format!("expected {want}, got {codes:?}:\n{rendered}"));
        }
    }

    // fmt: refuses exactly the files that do not parse, and keeps the errors of the others.
    let mut syntax = Vec::new();
    let parsed = parse::parse(FileId::ROOT, text, &mut syntax);
    let parses = parsed.is_some() && !syntax.iter().any(|d| d.is_error());
    match format_checked(text)? {
        None if parses => return Err("fmt refuses a file that parses".into()),
        Some(_) if !parses => return Err("fmt formats a file that does not parse".into()),
        None => {}
        Some(formatted) => {
            let again = error_codes(&compile_as(path, &formatted));
            if again != codes {
                return Err(format!(
                    "fmt changes the errors from {codes:?} to {again:?}\n{formatted}"
                ));
            }
        }
    }
    Ok(codes)
}

#[test]
fn valid_policies_compile_lint_format_and_agree_with_the_evaluator() {
    let files = corpus("valid");
    assert!(files.len() >= 90, "only {} valid policies", files.len());
    let results = run_all(&files, check_valid);
    let lints: BTreeSet<Code> = results.iter().flat_map(|r| r.lints.clone()).collect();
    let calls: usize = results.iter().map(|r| r.calls).sum();
    // The lints have something to say about the corpus (realistic mistakes included).
    assert!(lints.len() >= 5, "lints found only {lints:?}");
    assert!(calls > 100_000, "only {calls} calls checked");
    eprintln!(
        "{} valid policies, {calls} calls checked, lints found: {lints:?}",
        files.len()
    );
}

#[test]
fn broken_policies_fail_with_errors_in_their_files() {
    let files = corpus("broken");
    assert!(files.len() >= 100, "only {} broken policies", files.len());
    let results = run_all(&files, check_broken);
    // Every error class of the checker shows up somewhere in the corpus.
    let seen: BTreeSet<&str> = results.into_iter().flatten().collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.severity() == seccomp_dsl::Severity::Error && !seen.contains(c.id()))
        .map(|c| c.id())
        .collect();
    assert!(missing.is_empty(), "no broken policy shows {missing:?}");
}

#[test]
fn included_fragments_format_to_a_fixed_point() {
    let files = corpus("lib");
    assert!(!files.is_empty());
    run_all(&files, |_, text| {
        format_checked(text)?.ok_or("fmt refuses a fragment")?;
        Ok(())
    });
}
