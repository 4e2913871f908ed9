//! `scc fmt [--check] POLICY...`: rewrites policies in the canonical layout
//! ([`seccomp_dsl::fmt`]), like `cargo fmt`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use seccomp_dsl::SourceMap;

use crate::Fail;

#[derive(clap::Args)]
pub struct Args {
    /// Policy files (`-`: read standard input, write standard output). Included files are
    /// not followed: list them too.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// Write nothing: show what would change, and fail if anything would.
    #[arg(long)]
    check: bool,
    /// Where the formatted text goes.
    #[arg(long, value_enum, default_value_t = Emit::Files)]
    emit: Emit,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// Back into each file (only if it changes).
    Files,
    /// To standard output.
    Stdout,
}

pub fn run(args: Args) -> Result<(), Fail> {
    // I/O errors are printed as they happen but the last, which `main` prints.
    let mut io_error: Option<String> = None;
    let mut report = |msg: String| {
        if let Some(prev) = io_error.replace(msg) {
            let _ = writeln!(anstream::stderr(), "scc: error: {prev}");
        }
    };
    let mut failed = false;
    let mut stdout = std::io::stdout().lock();
    let several = args.policies.len() > 1;
    for path in &args.policies {
        let stdin = path == Path::new("-");
        let name = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let text = if stdin {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map(|_| text)
        } else {
            seccomp_dsl::source::read_policy_file(path)
        };
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                report(format!("cannot read {name}: {e}"));
                continue;
            }
        };
        let formatted = match seccomp_dsl::fmt::format(&text) {
            Ok(f) => f,
            Err(diags) => {
                failed = true;
                let mut sources = SourceMap::new();
                sources.add(name, text);
                let _ = write!(
                    anstream::stderr(),
                    "{}",
                    seccomp_dsl::diag::render_all(&diags, &sources, true)
                );
                continue;
            }
        };
        if args.check {
            if formatted != text {
                failed = true;
                write!(stdout, "{}", diff(&name, &text, &formatted))?;
            }
        } else if stdin || args.emit == Emit::Stdout {
            if several {
                writeln!(stdout, "{name}:\n")?;
            }
            write!(stdout, "{formatted}")?;
        } else if formatted != text {
            if let Err(e) = std::fs::write(path, &formatted) {
                report(format!("cannot write {name}: {e}"));
            }
        }
    }
    if let Some(msg) = io_error {
        Err(Fail::Usage(msg))
    } else if failed {
        Err(Fail::Policy)
    } else {
        Ok(())
    }
}

/// What would change, like `rustfmt --check`: a `Diff in FILE at line N:` header per
/// hunk, then its lines with ` `, `-` or `+` in front.
fn diff(name: &str, old: &str, new: &str) -> String {
    const CONTEXT: usize = 2;
    let ops = line_diff(old, new);
    let mut out = String::new();
    // Indices of ops that change something.
    let changed: Vec<usize> = (0..ops.len())
        .filter(|&i| !matches!(ops[i], Op::Same(..)))
        .collect();
    let mut i = 0;
    while i < changed.len() {
        // A hunk: changes closer than 2 * CONTEXT lines apart are merged.
        let mut j = i;
        while j + 1 < changed.len() && changed[j + 1] - changed[j] <= 2 * CONTEXT + 1 {
            j += 1;
        }
        let from = changed[i].saturating_sub(CONTEXT);
        let to = (changed[j] + CONTEXT + 1).min(ops.len());
        let line = ops[from..]
            .iter()
            .find_map(|op| match op {
                Op::Same(n, _) | Op::Del(n, _) => Some(*n),
                Op::Add(_) => None,
            })
            .unwrap_or(old.lines().count() + 1);
        out.push_str(&format!("Diff in {name} at line {line}:\n"));
        for op in &ops[from..to] {
            let (mark, text) = match op {
                Op::Same(_, t) => (' ', t),
                Op::Del(_, t) => ('-', t),
                Op::Add(t) => ('+', t),
            };
            out.push(mark);
            out.push_str(text);
            out.push('\n');
        }
        i = j + 1;
    }
    if out.is_empty() {
        // Only line ends differ (e.g. `\r\n` or a missing final newline).
        out.push_str(&format!("Diff in {name}: line endings\n"));
    }
    out
}

/// One line of a diff, with its 1-based line number in the old text for `Same` and
/// `Del`.
enum Op<'a> {
    Same(usize, &'a str),
    Del(usize, &'a str),
    Add(&'a str),
}

/// A shortest line diff by longest common subsequence (policies are small); beyond a
/// few million line pairs, everything is shown as replaced.
fn line_diff<'a>(old: &'a str, new: &'a str) -> Vec<Op<'a>> {
    let a: Vec<&str> = old.lines().map(|l| l.trim_end_matches('\r')).collect();
    let b: Vec<&str> = new.lines().collect();
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > 4_000_000 {
        let mut ops: Vec<Op<'a>> = a
            .iter()
            .enumerate()
            .map(|(i, l)| Op::Del(i + 1, l))
            .collect();
        ops.extend(b.iter().map(|l| Op::Add(l)));
        return ops;
    }
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same(i + 1, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            ops.push(Op::Del(i + 1, a[i]));
            i += 1;
        } else {
            ops.push(Op::Add(b[j]));
            j += 1;
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nJ\n";
        let d = diff("p.sc", old, new);
        assert_eq!(
            d,
            "Diff in p.sc at line 2:\n b\n c\n-d\n+D\n e\n f\n\
             Diff in p.sc at line 8:\n h\n i\n-j\n+J\n"
        );
        assert_eq!(diff("p.sc", "x\n", "x"), "Diff in p.sc: line endings\n");
    }
}
