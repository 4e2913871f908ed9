//! `scc fmt`: golden files (messy `tests/fmt/input/X.sc` → canonical `tests/fmt/expected/X.sc`),
//! the formatter's promises on the goldens, the examples and Docker's profile (a fixed
//! point, every comment kept, byte-identical filters for every arch), the same promises
//! with comments and line breaks inserted between random tokens, and the command's exit
//! statuses.
//!
//! `SCC_BLESS=1 cargo test -p seccomp-scc --test fmt` rewrites the expected files after a
//! deliberate change of layout (review the diff).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use seccomp_dsl::fmt::format;
use seccomp_dsl::parse::comments;
use seccomp_dsl::policy::{Expr, Test};
use seccomp_dsl::{Action, FileId, FsLoader, SourceMap, Span};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sc_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sc"))
        .collect();
    files.sort();
    files
}

/// The filters of a policy text compiled as if it were the file `path` (so relative
/// includes resolve), one `(arch, bytes)` per target; panics on errors.
fn filters(path: &Path, text: &str) -> Vec<(String, Vec<u8>)> {
    let mut sources = SourceMap::new();
    let root = sources.add(path.display().to_string(), text);
    let out = seccomp_dsl::compile_sources(sources, root, &mut FsLoader);
    assert!(
        !out.has_errors(),
        "{}:\n{}\n{text}",
        path.display(),
        out.render_diagnostics(false)
    );
    out.programs
        .iter()
        .map(|p| {
            (
                p.arch.name().to_string(),
                seccomp_dsl::bpf::to_bytes(&p.insns),
            )
        })
        .collect()
}

/// What the checker makes of a policy text compiled as the file `path`: per arch, the
/// default and each rule's syscall number, condition and action (no spans). Cheaper than
/// [`filters`], for the many inputs of the random test.
type Meaning = Vec<(String, Action, Vec<(u32, Option<Expr>, Action)>)>;

fn meaning(path: &Path, text: &str) -> Meaning {
    let mut sources = SourceMap::new();
    let root = sources.add(path.display().to_string(), text);
    let checked = seccomp_dsl::check(&mut sources, root, &mut FsLoader);
    let policy = checked.policy.unwrap_or_else(|| {
        panic!(
            "{}: {}\n{text}",
            path.display(),
            seccomp_dsl::diag::render_all(&checked.diagnostics, &sources, false)
        )
    });
    policy
        .arches
        .iter()
        .map(|p| {
            let rules = p
                .rules
                .iter()
                .map(|r| (r.nr(), r.cond.as_ref().map(without_spans), r.action))
                .collect();
            (p.arch.name().to_string(), p.default, rules)
        })
        .collect()
}

fn without_spans(e: &Expr) -> Expr {
    match e {
        Expr::Test(t) => Expr::Test(Test {
            span: Span::default(),
            ..t.clone()
        }),
        Expr::Not(e) => Expr::Not(Box::new(without_spans(e))),
        Expr::And(v) => Expr::And(v.iter().map(without_spans).collect()),
        Expr::Or(v) => Expr::Or(v.iter().map(without_spans).collect()),
        Expr::Const(b) => Expr::Const(*b),
    }
}

/// The text of every comment, for "every comment is kept" (line comments without the
/// trailing whitespace the formatter drops).
fn comment_texts(text: &str) -> Vec<String> {
    comments(FileId::ROOT, text)
        .iter()
        .map(|c| text[c.span.range()].trim_end().replace("\r\n", "\n"))
        .collect()
}

/// The formatter's promises on one input; returns the formatted text. `same` checks
/// that the output means what the input does.
fn check_promises(path: &Path, input: &str, same: impl Fn(&str) -> bool) -> String {
    let name = path.display();
    let out = format(input).unwrap_or_else(|d| panic!("{name}: does not format: {d:?}"));
    let again = format(&out).unwrap_or_else(|d| panic!("{name}: output does not parse: {d:?}"));
    assert_eq!(
        again, out,
        "{name}: not a fixed point\n--- input\n{input}\n--- once\n{out}"
    );
    // Every comment survives, as often as it was written.
    let mut rest = out.clone();
    for c in comment_texts(input) {
        let at = rest.find(&c).unwrap_or_else(|| {
            panic!("{name}: comment {c:?} lost\n--- input\n{input}\n--- output\n{out}")
        });
        rest.replace_range(at..at + c.len(), "");
    }
    assert!(
        same(&out),
        "{name}: the meaning changed\n--- input\n{input}\n--- output\n{out}"
    );
    for line in out.lines() {
        assert_eq!(line, line.trim_end(), "{name}: trailing whitespace");
        assert!(!line.contains('\t') || line.contains("//") || line.contains("/*"));
    }
    out
}

#[test]
fn golden_files() {
    let dir = manifest().join("tests/fmt");
    let inputs = sc_files(&dir.join("input"));
    assert!(inputs.len() >= 5, "{inputs:?}");
    let bless = std::env::var_os("SCC_BLESS").is_some();
    for input_path in inputs {
        let expected_path = dir.join("expected").join(input_path.file_name().unwrap());
        let input = std::fs::read_to_string(&input_path).unwrap();
        let bpf = filters(&input_path, &input);
        let out = check_promises(&input_path, &input, |out| filters(&input_path, out) == bpf);
        assert_ne!(
            out,
            input,
            "{}: a golden input should be messy",
            input_path.display()
        );
        if bless {
            std::fs::write(&expected_path, &out).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        assert_eq!(
            out,
            expected,
            "{} formats differently from {}",
            input_path.display(),
            expected_path.display()
        );
    }
}

/// The example policies and Docker's default profile: already tidy, so formatting them
/// changes little, but it must keep their meaning.
fn real_policies() -> Vec<PathBuf> {
    let root = manifest().parent().unwrap();
    let mut files = sc_files(&root.join("examples/policies"));
    files.extend(sc_files(&root.join("examples/policies/lib")));
    files.extend(testkit::shared("profiles/docker-default.x86_64.sc"));
    files
}

#[test]
fn real_policies_keep_their_meaning() {
    for path in real_policies() {
        let input = std::fs::read_to_string(&path).unwrap();
        if path.parent().unwrap().ends_with("lib") {
            // A fragment without `default`: formatting alone.
            let out = format(&input).unwrap();
            assert_eq!(format(&out).unwrap(), out);
            continue;
        }
        let bpf = filters(&path, &input);
        check_promises(&path, &input, |out| filters(&path, out) == bpf);
    }
}

// ---------------------------------------------------------------- random trivia

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The byte offsets between two tokens of a policy (where a comment may go).
fn boundaries(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let cs = comments(FileId::ROOT, text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if let Some(c) = cs.iter().find(|c| c.span.start as usize == i) {
            out.push(i);
            i = c.span.end as usize;
            out.push(i);
            continue;
        }
        let start = i;
        match b[i] {
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'"' => {
                i += 1;
                while b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            _ => {
                let two = &text[i..(i + 2).min(b.len())];
                i += if ["==", "!=", "<=", ">=", "&&", "||"].contains(&two) {
                    2
                } else {
                    1
                };
            }
        }
        out.push(start);
        out.push(i);
    }
    out.dedup();
    out
}

/// `text` with comments, line breaks and blank lines put between random tokens.
fn sprinkle(text: &str, rng: &mut Rng, n: usize) -> String {
    let points = boundaries(text);
    let mut picks: Vec<(usize, String)> = (0..n)
        .map(|k| {
            let at = points[rng.below(points.len())];
            let trivia = match rng.below(7) {
                0 => format!(" /* c{k} */ "),
                1 => format!("/* c{k} */"),
                2 => format!(" // c{k}\n"),
                3 => format!("\n// c{k}\n"),
                4 => format!("\n\n/* c{k}\n   more */\n"),
                5 => "\n\n".to_string(),
                _ => "\n  ".to_string(),
            };
            (at, trivia)
        })
        .collect();
    picks.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut out = text.to_string();
    for (at, trivia) in picks {
        out.insert_str(at, &trivia);
    }
    out
}

#[test]
fn comments_and_breaks_between_any_tokens() {
    let mut inputs: Vec<(PathBuf, String)> = real_policies()
        .into_iter()
        .filter(|p| !p.parent().unwrap().ends_with("lib"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    for source in sc_files(&manifest().join("tests/fmt/input")) {
        let text = std::fs::read_to_string(&source).unwrap();
        inputs.push((source, text));
    }
    let mut rng = Rng(0x5eed_f00d);
    let mut cases = 0;
    for (path, text) in &inputs {
        let want = meaning(path, text);
        // Docker's profile is long: fewer rounds, more comments each.
        let (rounds, per_round) = if text.len() > 4000 { (10, 60) } else { (80, 6) };
        for _ in 0..rounds {
            let messy = sprinkle(text, &mut rng, per_round);
            check_promises(path, &messy, |out| meaning(path, out) == want);
            cases += 1;
        }
    }
    assert!(cases > 100, "{cases}");
}

// ---------------------------------------------------------------- the command

fn scc(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scc"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scc-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn scc_fmt_rewrites_checks_and_fails_like_cargo_fmt() {
    let dir = temp_dir();
    let messy = "default kill_process;\nallow read,write(fd==1);\n";
    let tidy = "default kill;\nallow read, write(fd == 1);\n";
    let file = dir.join("messy.sc");
    let path = file.to_str().unwrap();
    let clean = dir.join("clean.sc");
    std::fs::write(&clean, tidy).unwrap();
    let clean = clean.to_str().unwrap();
    std::fs::write(&file, messy).unwrap();

    // --check: a diff naming the file, exit 1, nothing written.
    let (code, stdout, _) = scc(&["fmt", "--check", path, clean], None);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(&format!("Diff in {path} at line 1:")),
        "{stdout}"
    );
    assert!(stdout.contains("-default kill_process;\n"), "{stdout}");
    assert!(stdout.contains("+default kill;\n"), "{stdout}");
    assert!(stdout.contains("+allow read, write(fd == 1);"), "{stdout}");
    assert!(!stdout.contains(clean), "{stdout}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy);
    assert_eq!(scc(&["fmt", "--check", clean], None).0, 0);

    // --emit stdout: printed, nothing written.
    let (code, stdout, _) = scc(&["fmt", "--emit", "stdout", path], None);
    assert_eq!((code, stdout.as_str()), (0, tidy));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy);

    // In place; then --check passes.
    assert_eq!(scc(&["fmt", path], None).0, 0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), tidy);
    assert_eq!(
        scc(&["fmt", "--check", path], None),
        (0, String::new(), String::new())
    );

    // Standard input to standard output.
    let (code, stdout, _) = scc(&["fmt", "-"], Some(messy));
    assert_eq!((code, stdout.as_str()), (0, tidy));
    let (code, stdout, _) = scc(&["fmt", "--check", "-"], Some(messy));
    assert_eq!(code, 1);
    assert!(stdout.contains("Diff in <stdin> at line 1:"), "{stdout}");

    // A syntax error: diagnostics, exit 1, the file untouched.
    let broken = dir.join("broken.sc");
    std::fs::write(&broken, "default kill\nallow  read;\n").unwrap();
    let broken = broken.to_str().unwrap();
    for args in [&["fmt", broken][..], &["fmt", "--check", broken]] {
        let (code, _, stderr) = scc(args, None);
        assert_eq!(code, 1, "{args:?}");
        assert!(stderr.contains("error[S0001]"), "{stderr}");
        assert!(stderr.contains("broken.sc:1:13"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(broken).unwrap(),
        "default kill\nallow  read;\n"
    );

    // Semantic mistakes do not stop formatting (like rustfmt on code that does not compile).
    let (code, stdout, _) = scc(&["fmt", "-"], Some("default kill;allow opnat;"));
    assert_eq!(
        (code, stdout.as_str()),
        (0, "default kill;\nallow opnat;\n")
    );

    // I/O and usage errors: 2, even when other files are fine.
    let (code, _, stderr) = scc(&["fmt", "--check", clean, "/nonexistent/p.sc"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read /nonexistent/p.sc"), "{stderr}");
    assert_eq!(scc(&["fmt"], None).0, 2);
    assert_eq!(scc(&["fmt", "--emit", "nowhere", clean], None).0, 2);
}

// ---------------------------------------------------------------- mangled input

/// Every corpus and golden file with random bytes deleted and random tokens inserted:
/// `format` never panics, and whenever it accepts the text its output is a fixed point
/// that keeps every comment.
#[test]
fn mangled_policies_never_panic() {
    let root = manifest().parent().unwrap().join("tests/corpus");
    let mut files = sc_files(&manifest().join("tests/fmt/input"));
    for sub in ["valid", "broken", "lib"] {
        files.extend(sc_files(&root.join(sub)));
    }
    const TOKENS: &[&str] = &[
        "(", ")", "{", "}", ",", ";", "-", "!", "&", "|", "==", "@", "\"", "/*", "*/", "//", "\n",
        " ", "in", "not", "0x", "default", "allow", "é",
    ];
    let rounds: usize = std::env::var("SCC_FMT_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(8);
    let mut rng = Rng(0xbad_c0de);
    let (mut accepted, mut total) = (0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for _ in 0..rounds {
            let mut t = text.clone();
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                if rng.below(2) == 0 {
                    let mut end = (at + 1 + rng.below(8)).min(t.len());
                    while !t.is_char_boundary(end) {
                        end += 1;
                    }
                    t.replace_range(at..end, "");
                } else {
                    t.insert_str(at, TOKENS[rng.below(TOKENS.len())]);
                }
            }
            total += 1;
            let result = std::panic::catch_unwind(|| format(&t));
            let Ok(result) = result else {
                panic!("{}: format panicked on\n{t}", path.display());
            };
            if let Ok(out) = result {
                accepted += 1;
                let again = format(&out).unwrap_or_else(|d| {
                    panic!(
                        "{}: output does not parse: {d:?}\n{t}\n---\n{out}",
                        path.display()
                    )
                });
                assert_eq!(again, out, "{}: not a fixed point on\n{t}", path.display());
                for c in comment_texts(&t) {
                    assert!(out.contains(&c), "{}: lost {c:?} from\n{t}", path.display());
                }
            }
        }
    }
    assert!(
        accepted * 5 > total,
        "only {accepted} of {total} mangled texts parse"
    );
}
