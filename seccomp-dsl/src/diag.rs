//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! A [`Diagnostic`] carries byte spans, never rendered text, so each front end shows it in
//! its own way: `scc` renders it like rustc (with [`Diagnostic::render`]), the proc-macro
//! points `compile_error!` at the token under the primary span.

use std::fmt::Write as _;

use crate::source::{SourceMap, Span};

pub use crate::codes::Code;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with an optional message shown under it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A concrete fix: replace the text under `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// Where the problem is; `None` for whole-policy findings without a place (rare).
    pub primary: Option<Label>,
    /// Related places (`first defined here`).
    pub secondary: Vec<Label>,
    /// `= note:` lines.
    pub notes: Vec<String>,
    /// `= help:` lines.
    pub help: Vec<String>,
    /// A machine-applicable fix, shown as `help: ...` with the patched line.
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
            suggestion: None,
        }
    }

    /// Sets the primary span and its label (empty label: caret only).
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }

    pub fn suggest(
        mut self,
        span: Span,
        replacement: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.suggestion = Some(Suggestion {
            span,
            replacement: replacement.into(),
            message: message.into(),
        });
        self
    }

    pub fn severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary span, if any.
    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }

    /// Renders like rustc: `error[S0101]: ...`, `--> file:line:col`, the source line with a
    /// caret under the span, then `= note:` / `= help:` lines. `color` adds ANSI styles.
    ///
    /// Only the lines under the labels are handed to the renderer, so rendering costs
    /// the size of those lines, not of the file (a policy with a hundred thousand errors
    /// is not quadratic); lines too long to show ([`MAX_SNIPPET`]) are left out and the
    /// diagnostic is shown without them.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Patch, Renderer, Snippet};

        let mut labels: Vec<(&Label, bool)> = Vec::new();
        if let Some(p) = &self.primary {
            labels.push((p, true));
        }
        labels.extend(self.secondary.iter().map(|l| (l, false)));
        let spans = labels
            .iter()
            .map(|(l, _)| l.span)
            .chain(self.suggestion.iter().map(|s| s.span));
        if spans
            .clone()
            .any(|s| window(sources, s, s).len() > MAX_SNIPPET)
        {
            return self.render_without_source(sources);
        }

        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let title = level.primary_title(&self.message).id(self.code.id());
        let mut group = Group::with_title(title);

        // One snippet per file, primary file first, over the lines of its labels.
        let mut files: Vec<_> = labels.iter().map(|(l, _)| l.span.file).collect();
        files.dedup();
        let mut seen = Vec::new();
        for file in files {
            if seen.contains(&file) {
                continue;
            }
            seen.push(file);
            let src = sources.file(file);
            let here: Vec<&(&Label, bool)> =
                labels.iter().filter(|(l, _)| l.span.file == file).collect();
            let first = here.iter().map(|(l, _)| l.span).min_by_key(|s| s.start);
            let last = here.iter().map(|(l, _)| l.span).max_by_key(|s| s.end);
            let (Some(first), Some(last)) = (first, last) else {
                continue;
            };
            let w = window(sources, first, last);
            let line = src.line_col(w.start).0;
            let mut snippet = Snippet::source(&src.text[w.clone()])
                .line_start(line)
                .path(src.name.as_str());
            for (label, primary) in here {
                let kind = if *primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                let mut ann = kind.span(within(label.span.range(), &w));
                if !label.message.is_empty() {
                    ann = ann.label(label.message.as_str());
                }
                snippet = snippet.annotation(ann);
            }
            group = group.element(snippet);
        }
        for note in &self.notes {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        for help in &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let mut report = vec![group];
        if let Some(s) = &self.suggestion {
            let src = sources.file(s.span.file);
            let w = window(sources, s.span, s.span);
            let line = src.line_col(w.start).0;
            report.push(
                Level::HELP.secondary_title(s.message.as_str()).element(
                    Snippet::source(&src.text[w.clone()])
                        .line_start(line)
                        .path(src.name.as_str())
                        .patch(Patch::new(
                            within(s.span.range(), &w),
                            s.replacement.as_str(),
                        )),
                ),
            );
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = renderer.render(&report);
        out.push('\n');
        out
    }

    /// The rendering for labels on lines too long to show: the message, `--> file:line:col`
    /// of each label, notes, help and the suggestion's message.
    fn render_without_source(&self, sources: &SourceMap) -> String {
        let mut out = format!(
            "{}[{}]: {}\n",
            self.severity.as_str(),
            self.code.id(),
            self.message
        );
        for l in self.primary.iter().chain(&self.secondary) {
            let _ = write!(out, " --> {}", sources.location(l.span));
            if !l.message.is_empty() {
                let _ = write!(out, ": {}", l.message);
            }
            out.push('\n');
        }
        out.push_str("  = note: the line is too long to show\n");
        for n in &self.notes {
            let _ = writeln!(out, "  = note: {n}");
        }
        for h in &self.help {
            let _ = writeln!(out, "  = help: {h}");
        }
        if let Some(s) = &self.suggestion {
            let _ = writeln!(out, "  = help: {}: `{}`", s.message, s.replacement);
        }
        out.push('\n');
        out
    }

    /// One line, for contexts without room for a snippet: `file:line:col: error[S0101]: msg`.
    pub fn one_line(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        if let Some(p) = &self.primary {
            let _ = write!(out, "{}: ", sources.location(p.span));
        }
        let _ = write!(
            out,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code.id(),
            self.message
        );
        out
    }
}

/// The longest source excerpt a diagnostic shows: longer lines (a generated one-line
/// policy) are left out, so that rendering stays proportional to what is shown.
pub const MAX_SNIPPET: usize = 16 << 10;

/// The byte range of the whole lines from `first`'s start to `last`'s end.
fn window(sources: &SourceMap, first: Span, last: Span) -> std::ops::Range<usize> {
    let src = sources.file(first.file);
    let a = src.line_col(first.start as usize).0;
    let b = src.line_col(last.end as usize).0.max(a);
    src.line_range(a, b)
}

/// `r` relative to the window `w` (clamped into it).
fn within(r: std::ops::Range<usize>, w: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let clamp = |x: usize| x.clamp(w.start, w.end) - w.start;
    clamp(r.start)..clamp(r.end)
}

/// The longest name (in characters) compared by edit distance. Real names are short (the
/// longest kernel constant has about 40 characters); past this a name is only matched as
/// a prefix, so that a megabyte-long name costs linear time, not `O(n * m)` per
/// candidate.
pub const MAX_SUGGEST_LEN: usize = 64;

/// The closest candidate to `name` by edit distance, if close enough to be a plausible typo.
///
/// The work is bounded: a candidate whose length differs from `name`'s by more than the
/// allowed distance is skipped without computing it (the distance is at least that
/// difference), and a name longer than [`MAX_SUGGEST_LEN`] only matches a candidate it
/// starts with or that starts with it.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // Also catch a missing or extra prefix/suffix such as `openat` for `openat2`.
        let prefix = c.starts_with(name) || name.starts_with(c);
        let d = if len > MAX_SUGGEST_LEN || c.len() > 4 * MAX_SUGGEST_LEN {
            if !prefix {
                continue;
            }
            limit
        } else {
            if len.abs_diff(c.chars().count()) > limit && !prefix {
                continue;
            }
            let d = strsim::damerau_levenshtein(name, c);
            if prefix { d.min(limit) } else { d }
        };
        if d <= limit && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Renders a list of diagnostics, sorted by position.
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    diags.iter().map(|d| d.render(sources, color)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_kept_for_typos_and_bounded_for_huge_names() {
        let names = ["openat", "openat2", "read", "readv"];
        assert_eq!(did_you_mean("opnat", names), Some("openat"));
        assert_eq!(did_you_mean("openat3", names), Some("openat"));
        // A megabyte name: only prefix matches, no edit distance (which took a minute).
        let huge = format!("read{}", "x".repeat(1 << 20));
        assert_eq!(did_you_mean(&huge, names), Some("read"));
        assert_eq!(did_you_mean(&"x".repeat(1 << 20), names), None);
        // A candidate whose length rules it out is not compared.
        assert_eq!(did_you_mean("rx", ["readlinkat"]), None);
    }

    #[test]
    fn a_label_on_a_huge_line_is_shown_without_the_line() {
        let mut sources = SourceMap::new();
        let text = format!("default kill; allow {};", "x".repeat(MAX_SNIPPET));
        let f = sources.add("p.sc", text.as_str());
        let d = Diagnostic::new(Code::UnknownSyscall, "unknown syscall")
            .at(Span::new(f, 20, 21), "here");
        let out = d.render(&sources, false);
        assert!(out.contains(" --> p.sc:1:21: here"), "{out}");
        assert!(out.len() < 1000, "{out}");
        // A normal line: the snippet, with its real line number.
        let f = sources.add("q.sc", "// one\n// two\ndefault kill; allow nosuch;\n");
        let d = Diagnostic::new(Code::UnknownSyscall, "unknown syscall")
            .at(Span::new(f, 34, 40), "here");
        let out = d.render(&sources, false);
        assert!(
            out.contains("q.sc:3:21") && out.contains("3 | default kill; allow nosuch;"),
            "{out}"
        );
        assert!(!out.contains("// one"), "{out}");
    }
}
