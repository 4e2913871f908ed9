//! The CI fuzz run: deep and wide generated inputs (see `generate/mod.rs`) through the
//! whole front end, in a child process under a memory limit and a watchdog.
//!
//! Each case must end with a diagnostic or a verified filter: parse, check, lint,
//! render every diagnostic (spans inside their files), compile, verify, compare the
//! policy with itself (`scc diff` must find nothing), and check the calls. The child
//! runs under `RLIMIT_AS` ([`testkit::MEMORY_LIMIT`] x 2: the test binary and its
//! threads) and is killed after [`FUZZ_TIME`], so a case that recurses without bound,
//! allocates without bound or takes minutes fails the test instead of hanging CI.
//!
//! The cases are deterministic (a fixed seed); `SCC_FUZZ_CASES=N` runs more (e.g. a
//! nightly job), and cargo-fuzz explores the same generator with coverage guidance:
//! `cd seccomp-dsl && cargo fuzz run deep`.

mod generate;

use std::path::Path;
use std::time::Duration;

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use seccomp_dsl::{Arch, call, diff, lint};

/// Set in the child process that runs the cases.
const CHILD: &str = "SCC_FUZZ_DEEP_CHILD";

/// The whole run's watchdog: an unoptimised build takes a few seconds for the default
/// number of cases.
const FUZZ_TIME: Duration = Duration::from_secs(240);

/// Runs one case; panics on any failure of the rules above.
fn run_case(case: &generate::Case, dir: &Path) {
    let start = std::time::Instant::now();
    run_case_inner(case, dir);
    let took = start.elapsed();
    if took > Duration::from_millis(500) {
        let size: usize = case.files.iter().map(|(_, t)| t.len()).sum();
        println!("slow case: {} ({size} bytes) took {took:?}", case.shape);
    }
}

fn run_case_inner(case: &generate::Case, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in &case.files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let root = dir.join(&case.files[0].0);
    let out = match seccomp_dsl::compile_file(&root) {
        Ok(out) => out,
        // Only the size limit refuses a generated root file.
        Err(e) => {
            assert!(e.to_string().contains("larger than"), "{}: {e}", case.shape);
            return;
        }
    };
    // Every diagnostic renders, and points inside its file.
    let rendered = out.render_diagnostics(false);
    assert_eq!(
        out.has_errors(),
        rendered.contains("error["),
        "{}",
        case.shape
    );
    for d in &out.diagnostics {
        for l in d.primary.iter().chain(&d.secondary) {
            let len = out.sources.file(l.span.file).text.len();
            assert!(
                l.span.start <= l.span.end && l.span.end as usize <= len,
                "{}: {:?} outside its file",
                case.shape,
                d.code
            );
        }
    }
    let Some(policy) = &out.policy else {
        assert!(out.has_errors(), "{}: no policy and no error", case.shape);
        return;
    };
    let _ = lint::lint(policy);
    for p in &out.programs {
        seccomp_dsl::bpf::verify::verify(&p.insns).expect("compiled program verifies");
        let ap = policy.arch(p.arch).unwrap();
        assert!(diff::diff(ap, ap).unwrap().is_empty(), "{}", case.shape);
        for text in &case.calls {
            let mut sources = seccomp_dsl::SourceMap::new();
            let file = sources.add("<call>", text.as_str());
            if let Ok(c) = call::parse_call(file, text) {
                if let Ok(r) = call::resolve(&c, p.arch) {
                    let report = call::check_call(ap, &p.insns, &r);
                    assert_eq!(report.disagreeing, 0, "{}: {text}", case.shape);
                }
            }
        }
    }
    assert!(out.programs.len() <= Arch::ALL.len());
}

/// The cases, in the child.
fn run_all() {
    let cases: u32 = std::env::var("SCC_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let dir = testkit::temp_dir("fuzz-deep");
    // The extremes of each shape first: all bytes 0, 0x80 and 0xff after the shape.
    for shape in 0..10u8 {
        for fill in [0u8, 0x80, 0xff] {
            let data: Vec<u8> = std::iter::once(shape)
                .chain(std::iter::repeat_n(fill, 63))
                .collect();
            run_case(&generate::generate(&data), &dir.join("case"));
        }
    }
    let bytes = proptest::collection::vec(proptest::num::u8::ANY, 0..64);
    let result = runner.run(&bytes, |data| {
        let case = generate::generate(&data);
        run_case(&case, &dir.join("case"));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!("fuzz-deep: {cases} cases ok");
}

#[test]
fn deep_and_wide_inputs_end_with_a_diagnostic_in_bounded_time_and_memory() {
    if std::env::var_os(CHILD).is_some() {
        return run_all();
    }
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "deep_and_wide_inputs_end_with_a_diagnostic_in_bounded_time_and_memory",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, "1");
    let run = testkit::run_bounded(cmd, 2 * testkit::MEMORY_LIMIT, FUZZ_TIME);
    assert!(
        !run.timed_out && run.status == Some(0) && run.stdout.contains("cases ok"),
        "the fuzz run failed (status {:?}, timed out: {}, {:?}):\n{}\n{}",
        run.status,
        run.timed_out,
        run.elapsed,
        &run.stdout[run.stdout.len().saturating_sub(4000)..],
        &run.stderr[run.stderr.len().saturating_sub(4000)..]
    );
    eprintln!("fuzz run took {:?}", run.elapsed);
}
