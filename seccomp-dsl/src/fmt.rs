//! The canonical layout of a policy file, for `scc fmt` (like rustfmt: from the syntax
//! tree, comments put back by position, no I/O).
//!
//! - One statement per line, in source order; blank lines between paragraphs are kept
//!   (a run of them becomes one); no indentation at the top level.
//! - Single spaces after commas, around binary operators and comparisons; `{A, B}` for
//!   sets, `{ a, b }` for group bodies; no trailing commas.
//! - Actions are spelt canonically: `kill_process` becomes `kill`, `errno (E)` becomes
//!   `errno(E)`.
//! - Numbers keep their written form (`0x7e02_0000` stays hex); names are unchanged.
//! - Parentheses the author wrote around `&&`, `||`, `!` and `|` groups are kept, those
//!   that precedence needs are added, others (around a single comparison or value) go.
//! - A list of targets, set values or architectures that does not fit in [`WIDTH`]
//!   columns is filled line by line, continuation lines indented by four spaces; group
//!   and set bodies then open a block closed by `};` on its own line. A target too long
//!   for a line of its own gets its condition on lines of its own, split before each
//!   top-level `||` (or `&&`) if it is still too long.
//! - Comments stay where they were: a comment after code on the same line stays at the
//!   end of that line, a comment on its own line stays on its own line before the same
//!   code, a block comment before code on the same line stays just before it. A target
//!   or statement with a comment inside it where the canonical layout has no place for
//!   one (inside a condition, between `default` and its action) is left as written.
//!
//! The result is a fixed point (`format(format(x)) == format(x)`) and compiles to the
//! same filters as the input.

use crate::ast::{self, ActionKind, Cond, ConstValue, Item, Rhs, Target, Value};
use crate::diag::Diagnostic;
use crate::parse::{Comment, comments, parse};
use crate::source::{FileId, Span};

/// The column limit lists are filled to.
pub const WIDTH: usize = 100;

/// The indentation of continuation lines and block bodies.
const INDENT: &str = "    ";

/// Formats a policy file. Syntax errors (and malformed numbers) are returned, with spans
/// in [`FileId::ROOT`], instead of a formatted text: a file that does not parse is not
/// touched. Other mistakes (an unknown syscall) do not stop formatting.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let file = parse(FileId::ROOT, text, &mut diags);
    match file {
        Some(file) if !diags.iter().any(Diagnostic::is_error) => {
            let f = Formatter {
                src: text,
                comments: comments(FileId::ROOT, text),
            };
            Ok(f.file(&file))
        }
        _ => Err(diags),
    }
}

/// The formatted text being built: tracks the current line so that comments can be
/// appended to it and lists filled to [`WIDTH`].
#[derive(Default)]
struct Out {
    s: String,
    /// The current line ends with a `//` comment: nothing more may go on it.
    line_comment: bool,
}

impl Out {
    fn at_line_start(&self) -> bool {
        self.s.is_empty() || self.s.ends_with('\n')
    }

    /// Ends the current line, if anything is on it.
    fn newline(&mut self) {
        if !self.at_line_start() {
            self.s.push('\n');
        }
        self.line_comment = false;
    }

    /// Ends the current line and leaves one empty line (none at the start of the file).
    fn blank(&mut self) {
        self.newline();
        if !self.s.is_empty() && !self.s.ends_with("\n\n") {
            self.s.push('\n');
        }
    }

    /// Columns used on the current line.
    fn width(&self) -> usize {
        let start = self.s.rfind('\n').map_or(0, |i| i + 1);
        self.s[start..].chars().count()
    }

    /// Appends to the current line (a new one after a `//` comment).
    fn push(&mut self, text: &str) {
        if self.line_comment {
            self.newline();
        }
        self.s.push_str(text);
    }

    /// Starts a new line with `text`.
    fn line(&mut self, indent: &str, text: &str) {
        self.newline();
        self.s.push_str(indent);
        self.s.push_str(text);
        self.line_comment = is_line_comment(text);
    }

    /// Comments at the end of the current line; after a `//` comment the rest go on
    /// lines of their own.
    fn trailing(&mut self, comments: &[String], indent: &str) {
        for c in comments {
            if self.line_comment || self.at_line_start() {
                self.line(indent, c);
            } else {
                self.s.push(' ');
                self.s.push_str(c);
                self.line_comment = is_line_comment(c);
            }
        }
    }

    /// Own-line comment groups, with an empty line before those that had one; none at
    /// the start of a block (`started` false).
    fn own_lines(&mut self, lines: &[(bool, String)], indent: &str, started: &mut bool) {
        for (blank, text) in lines {
            if *blank && *started {
                self.blank();
            }
            self.line(indent, text);
            *started = true;
        }
    }

    fn finish(mut self) -> String {
        self.newline();
        self.s
    }
}

/// A group of comments on one line ends with a `//` comment (then nothing may follow it
/// on the line).
fn is_line_comment(text: &str) -> bool {
    text.lines().last().is_some_and(|l| {
        // The last comment of a group: a `//` comment runs to the end of the line.
        let mut in_block = 0usize;
        let b = l.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i..].starts_with(b"/*") {
                in_block += 1;
                i += 2;
            } else if b[i..].starts_with(b"*/") && in_block > 0 {
                in_block -= 1;
                i += 2;
            } else if b[i..].starts_with(b"//") && in_block == 0 {
                return true;
            } else {
                i += 1;
            }
        }
        false
    })
}

/// Whether the gap between two pieces of code holds an empty line.
fn has_blank(gap: &str) -> bool {
    gap.matches('\n').count() >= 2
}

/// The comments between two pieces of code (statements, list elements), sorted by where
/// they go.
#[derive(Debug, Default)]
struct Gap {
    /// On the same line as the code before: they stay at the end of its line.
    trailing: Vec<String>,
    /// On lines of their own (comments sharing a line are joined): (empty line before, text).
    lines: Vec<(bool, String)>,
    /// Block comments on the same line as the code after, just before it.
    inline: Vec<String>,
    /// An empty line before the code after (or before `inline`).
    blank: bool,
}

/// The code of one element of a list, before comments are put around it.
struct Code<'a> {
    span: Span,
    /// Its canonical text, on one line.
    text: String,
    /// A syscall target with a condition: its name and condition, to break the condition
    /// over lines when the target does not fit on one.
    cond: Option<(&'a str, &'a Cond)>,
}

/// One element of a list (a target, a set value, an architecture).
struct Elem<'a> {
    /// Own-line comments before it.
    leading: Vec<(bool, String)>,
    /// An empty line before it.
    blank: bool,
    /// Inline comments and the element's text (several lines when kept as written).
    text: String,
    /// Comments at the end of its line.
    trailing: Vec<String>,
    /// See [`Code::cond`]; `None` when the text is kept as written.
    cond: Option<(&'a str, &'a Cond)>,
}

/// A list between an opening token (an action, `arch`, `{`) and a closing one (`;`, `}`).
#[derive(Default)]
struct List<'a> {
    /// Comments on the opening token's line.
    open_trailing: Vec<String>,
    elems: Vec<Elem<'a>>,
    /// Own-line comments after the last element.
    dangling: Vec<(bool, String)>,
}

impl List<'_> {
    /// Whether it can go on one line: no comments but possibly after the last element
    /// (they go at the end of the line) or, with `dangling_after`, after its line (they
    /// follow the statement), nothing kept as written over several lines.
    fn is_simple(&self, dangling_after: bool) -> bool {
        self.open_trailing.is_empty()
            && (dangling_after || self.dangling.is_empty())
            && self.elems.iter().enumerate().all(|(i, e)| {
                e.leading.is_empty()
                    && !e.text.contains('\n')
                    && (e.trailing.is_empty() || i + 1 == self.elems.len())
            })
    }

    fn joined(&self) -> String {
        let texts: Vec<&str> = self.elems.iter().map(|e| e.text.as_str()).collect();
        texts.join(", ")
    }

    fn last_trailing(&self) -> &[String] {
        self.elems.last().map_or(&[], |e| &e.trailing)
    }
}

/// Columns a text takes.
fn cols(text: &str) -> usize {
    text.chars().count()
}

struct Formatter<'a> {
    src: &'a str,
    /// Every comment of the file, in order.
    comments: Vec<Comment>,
}

impl Formatter<'_> {
    // ------------------------------------------------------------ positions

    /// The comments that lie entirely in `start..end`.
    fn comments_in(&self, start: usize, end: usize) -> &[Comment] {
        let from = self
            .comments
            .partition_point(|c| (c.span.start as usize) < start);
        let to = self
            .comments
            .partition_point(|c| (c.span.start as usize) < end);
        let slice = &self.comments[from..to.max(from)];
        let n = slice
            .iter()
            .take_while(|c| c.span.end as usize <= end)
            .count();
        &slice[..n]
    }

    fn has_comments(&self, start: usize, end: usize) -> bool {
        !self.comments_in(start, end).is_empty()
    }

    /// The end of `start..end` without trailing whitespace and comments (a rule ending in
    /// an optional part, such as a syscall without a condition, spans the trivia after it).
    fn trim_end(&self, start: usize, mut end: usize) -> usize {
        loop {
            end = start + self.src[start..end].trim_end().len();
            // A `//` comment's span runs to the end of the line, spaces included.
            match self.comments.iter().find(|c| {
                (start..end).contains(&(c.span.start as usize)) && c.span.end as usize >= end
            }) {
                Some(c) => end = c.span.start as usize,
                None => return end,
            }
        }
    }

    /// The position of the first character of code at or after `pos`.
    fn next_code(&self, mut pos: usize) -> usize {
        loop {
            let rest = &self.src[pos..];
            pos += rest.len() - rest.trim_start().len();
            match self.comments.iter().find(|c| c.span.start as usize == pos) {
                Some(c) => pos = c.span.end as usize,
                None => return pos,
            }
        }
    }

    /// The text of a comment as it is written out (`//` comments without trailing
    /// whitespace, line ends as `\n`).
    fn comment_text(&self, c: &Comment) -> String {
        let text = &self.src[c.span.range()];
        if c.block {
            text.replace("\r\n", "\n")
        } else {
            text.trim_end().to_string()
        }
    }

    /// Source text kept as written, but for whitespace at the ends of lines (outside
    /// block comments) and `\r\n` line ends.
    fn verbatim(&self, start: usize, end: usize) -> String {
        let mut out = String::new();
        let mut from = start;
        for (i, _) in self.src[start..end].match_indices('\n') {
            let nl = start + i;
            let in_comment = self
                .comments_in(start, end)
                .iter()
                .any(|c| c.block && (c.span.start as usize) < nl && nl < c.span.end as usize);
            let line = &self.src[from..nl];
            out.push_str(if in_comment {
                line.strip_suffix('\r').unwrap_or(line)
            } else {
                line.trim_end()
            });
            out.push('\n');
            from = nl + 1;
        }
        out.push_str(&self.src[from..end]);
        out
    }

    /// Sorts the comments between `prev` (the end of the code before, `None` at the start
    /// of the file) and `next` (the start of the code after; `next_is_code` false when it
    /// is the end of the file or a closing token, which take no inline comments).
    fn gap(&self, prev: Option<usize>, cs: &[Comment], next: usize, next_is_code: bool) -> Gap {
        // Comments on one line form a group.
        let mut groups: Vec<(usize, usize, Vec<String>)> = Vec::new();
        for c in cs {
            let (start, end) = (c.span.start as usize, c.span.end as usize);
            match groups.last_mut() {
                Some(g) if !self.src[g.1..start].contains('\n') => {
                    g.1 = end;
                    g.2.push(self.comment_text(c));
                }
                _ => groups.push((start, end, vec![self.comment_text(c)])),
            }
        }
        let mut gap = Gap::default();
        let mut cursor = prev.unwrap_or(0);
        let count = groups.len();
        for (i, (start, end, texts)) in groups.into_iter().enumerate() {
            let before = &self.src[cursor..start];
            if i + 1 == count && next_is_code && !self.src[end..next].contains('\n') {
                gap.inline = texts;
                gap.blank = has_blank(before);
                return gap;
            }
            if i == 0 && prev.is_some() && !before.contains('\n') {
                gap.trailing = texts;
            } else {
                gap.lines.push((has_blank(before), texts.join(" ")));
            }
            cursor = end;
        }
        gap.blank = has_blank(&self.src[cursor..next]);
        gap
    }

    /// Builds a list from its elements' spans and canonical texts: `open` is the end of
    /// the opening token, `close` the start of the closing one. An element with a comment
    /// inside is kept as written.
    fn list<'a>(&self, open: usize, elems: Vec<Code<'a>>, close: usize) -> List<'a> {
        let mut list = List::default();
        let mut prev = open;
        let n = elems.len();
        for k in 0..=n {
            let (next, next_is_code) = match elems.get(k) {
                Some(code) => (code.span.start as usize, true),
                None => (close, false),
            };
            let g = self.gap(Some(prev), self.comments_in(prev, next), next, next_is_code);
            match list.elems.last_mut() {
                Some(e) => e.trailing = g.trailing,
                None => list.open_trailing = g.trailing,
            }
            let Some(code) = elems.get(k) else {
                list.dangling = g.lines;
                break;
            };
            let start = code.span.start as usize;
            let end = self.trim_end(start, code.span.end as usize);
            let (mut text, mut cond) = if self.has_comments(start, end) {
                (self.verbatim(start, end), None)
            } else {
                (code.text.clone(), code.cond)
            };
            if !g.inline.is_empty() {
                text = format!("{} {text}", g.inline.join(" "));
                cond = None;
            }
            list.elems.push(Elem {
                leading: g.lines,
                blank: g.blank,
                text,
                trailing: Vec::new(),
                cond,
            });
            prev = end;
        }
        list
    }

    // ------------------------------------------------------------ layout

    /// A file: statements with the comments between them.
    fn file(&self, file: &ast::File) -> String {
        let mut out = Out::default();
        let mut prev: Option<usize> = None;
        let mut started = false;
        for item in &file.items {
            let span = item.span();
            let start = span.start as usize;
            let cs = self.comments_in(prev.unwrap_or(0), start);
            let g = self.gap(prev, cs, start, true);
            out.trailing(&g.trailing, "");
            out.own_lines(&g.lines, "", &mut started);
            if g.blank && started {
                out.blank();
            }
            out.newline();
            for c in &g.inline {
                out.push(c);
                out.push(" ");
            }
            self.item(&mut out, item);
            started = true;
            prev = Some(span.end as usize);
        }
        let end = self.src.len();
        let g = self.gap(prev, self.comments_in(prev.unwrap_or(0), end), end, false);
        out.trailing(&g.trailing, "");
        out.own_lines(&g.lines, "", &mut started);
        out.finish()
    }

    fn item(&self, out: &mut Out, item: &Item) {
        let span = item.span();
        let (start, end) = (span.start as usize, span.end as usize);
        let semi = end - 1;
        let verbatim = |out: &mut Out| out.push(&self.verbatim(start, end));
        match item {
            Item::Arch { arches, .. } => {
                let open = start + "arch".len();
                let elems = arches
                    .iter()
                    .map(|a| Code {
                        span: a.span,
                        text: a.name.clone(),
                        cond: None,
                    })
                    .collect();
                let list = self.list(open, elems, semi);
                self.flow(out, "arch", &list);
            }
            Item::Include { path_span, .. } => {
                if self.has_comments(start, end) {
                    return verbatim(out);
                }
                out.push(&format!("include {};", self.text(*path_span)));
            }
            Item::Const { name, value, .. } => match value {
                ConstValue::Value(v) => {
                    if self.has_comments(start, end) {
                        return verbatim(out);
                    }
                    out.push(&format!(
                        "const {} = {};",
                        name.name,
                        self.value(v, VCtx::Top)
                    ));
                }
                ConstValue::Set(set) => {
                    let (open, close) = (set.span.start as usize, set.span.end as usize - 1);
                    if self.has_comments(start, open) || self.has_comments(close, end) {
                        return verbatim(out);
                    }
                    let elems = set
                        .values
                        .iter()
                        .map(|v| Code {
                            span: v.span(),
                            text: self.value(v, VCtx::Top),
                            cond: None,
                        })
                        .collect();
                    let list = self.list(open + 1, elems, close);
                    self.block(out, &format!("const {} =", name.name), &list, false);
                }
            },
            Item::Group { name, targets, .. } => {
                let assign = self.next_code(name.span.end as usize);
                let open = self.next_code(assign + 1);
                let close = self.src[..semi].trim_end().len() - 1;
                if self.src.as_bytes().get(open) != Some(&b'{')
                    || self.src.as_bytes().get(close) != Some(&b'}')
                    || self.has_comments(start, open)
                    || self.has_comments(close, end)
                {
                    return verbatim(out);
                }
                let list = self.list(open + 1, self.targets(targets), close);
                self.block(out, &format!("group @{} =", name.name), &list, true);
            }
            Item::Default { action, .. } => {
                if self.has_comments(start, end) {
                    return verbatim(out);
                }
                out.push(&format!("default {};", self.action(action)));
            }
            Item::Rule(rule) => {
                let open = rule.action.span.end as usize;
                if self.has_comments(start, open) {
                    return verbatim(out);
                }
                let list = self.list(open, self.targets(&rule.targets), semi);
                self.flow(out, &self.action(&rule.action), &list);
            }
        }
    }

    /// `head elem, elem, ...;`: on one line when it fits, else filled, continuation lines
    /// indented. Comments after the last element follow the `;`.
    fn flow(&self, out: &mut Out, head: &str, list: &List<'_>) {
        let one_line = format!("{head} {};", list.joined());
        if list.is_simple(true) && out.width() + cols(&one_line) <= WIDTH {
            out.push(&one_line);
            out.trailing(list.last_trailing(), "");
        } else {
            out.push(head);
            out.trailing(&list.open_trailing, INDENT);
            let mut started = false;
            let first_on_new_line = !list.open_trailing.is_empty();
            self.fill(out, &list.elems, ";", first_on_new_line, &mut started);
        }
        let mut started = true;
        out.own_lines(&list.dangling, "", &mut started);
    }

    /// `head {a, b}` (sets) or `head { a, b }` (group bodies, `spaced`), then `;`; when
    /// that does not fit, a block with the elements filled on indented lines.
    fn block(&self, out: &mut Out, head: &str, list: &List<'_>, spaced: bool) {
        let body = list.joined();
        let one_line = if spaced && !body.is_empty() {
            format!("{head} {{ {body} }};")
        } else {
            format!("{head} {{{body}}};")
        };
        if list.is_simple(false) && out.width() + cols(&one_line) <= WIDTH {
            out.push(&one_line);
            out.trailing(list.last_trailing(), "");
            return;
        }
        out.push(&format!("{head} {{"));
        out.trailing(&list.open_trailing, INDENT);
        let mut started = false;
        self.fill(out, &list.elems, "", true, &mut started);
        out.own_lines(&list.dangling, INDENT, &mut started);
        out.line("", "};");
    }

    /// Fills elements onto lines indented by [`INDENT`], `, ` between them and `last`
    /// after the last one. The first element goes on the current line unless
    /// `first_on_new_line`; an element with comments before it, kept as written over
    /// several lines, or after an empty line starts a new line, and one with a comment
    /// after it ends its line. A target too long for a line of its own gets its
    /// condition broken over lines.
    fn fill(
        &self,
        out: &mut Out,
        elems: &[Elem<'_>],
        last: &str,
        first_on_new_line: bool,
        started: &mut bool,
    ) {
        let mut new_line = first_on_new_line;
        for (i, e) in elems.iter().enumerate() {
            let sep = if i + 1 == elems.len() { last } else { "," };
            let piece = format!("{}{sep}", e.text);
            if !e.leading.is_empty() {
                out.own_lines(&e.leading, INDENT, started);
                new_line = true;
            }
            if e.blank && *started {
                out.blank();
                new_line = true;
            }
            // A target too long for the rest of the line, broken: its `)` goes back to
            // `indent` (that of the line it starts on).
            let fit = |piece: String, start: usize, indent: usize| match e.cond {
                Some((name, cond)) if start + cols(&piece) > WIDTH => {
                    format!("{}{sep}", self.broken_target(name, cond, indent))
                }
                _ => piece,
            };
            let piece = if i == 0 && !new_line {
                // On the head line (`allow ...`), which is not indented.
                let piece = fit(piece, out.width() + 1, 0);
                out.push(" ");
                out.push(&piece);
                piece
            } else if !new_line
                && !out.line_comment
                && !piece.contains('\n')
                && out.width() + 1 + cols(&piece) <= WIDTH
            {
                out.push(" ");
                out.push(&piece);
                piece
            } else {
                let piece = fit(piece, INDENT.len(), INDENT.len());
                out.line(INDENT, &piece);
                piece
            };
            *started = true;
            new_line = piece.contains('\n') || !e.trailing.is_empty();
            out.trailing(&e.trailing, INDENT);
        }
    }

    // ------------------------------------------------------------ code

    fn text(&self, span: Span) -> &str {
        &self.src[span.range()]
    }

    /// Whether the code under `span` is wrapped in parentheses that match each other.
    fn parenthesised(&self, span: Span) -> bool {
        let text = self.text(span).trim();
        if !text.starts_with('(') || !text.ends_with(')') {
            return false;
        }
        let mut depth = 0usize;
        for (i, c) in text.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1 == text.len();
                    }
                }
                _ => {}
            }
        }
        false
    }

    fn targets<'a>(&self, targets: &'a [Target]) -> Vec<Code<'a>> {
        targets
            .iter()
            .map(|t| Code {
                span: t.span(),
                text: self.target(t),
                cond: match t {
                    Target::Syscall {
                        name,
                        cond: Some(c),
                        ..
                    } => Some((name.name.as_str(), c)),
                    _ => None,
                },
            })
            .collect()
    }

    /// A target whose condition goes on lines of its own, indented one step more than
    /// `indent` columns, the `)` back at `indent`; a condition still too long is split
    /// before its top-level `||` (or `&&`) operators.
    fn broken_target(&self, name: &str, cond: &Cond, indent: usize) -> String {
        let pad = " ".repeat(indent + INDENT.len());
        let one = self.cond(cond, CCtx::Top);
        let body = if pad.len() + cols(&one) <= WIDTH {
            one
        } else {
            match cond {
                Cond::Or(parts, span) if !self.parenthesised(*span) => parts
                    .iter()
                    .map(|p| self.cond(p, CCtx::Or))
                    .collect::<Vec<_>>()
                    .join(&format!("\n{pad}|| ")),
                Cond::And(parts, span) if !self.parenthesised(*span) => parts
                    .iter()
                    .map(|p| self.cond(p, CCtx::And))
                    .collect::<Vec<_>>()
                    .join(&format!("\n{pad}&& ")),
                _ => one,
            }
        };
        format!("{name}(\n{pad}{body}\n{})", " ".repeat(indent))
    }

    fn target(&self, t: &Target) -> String {
        match t {
            Target::Group { name, .. } => format!("@{}", name.name),
            Target::Syscall {
                name, cond: None, ..
            } => name.name.clone(),
            Target::Syscall {
                name,
                cond: Some(c),
                ..
            } => format!("{}({})", name.name, self.cond(c, CCtx::Top)),
        }
    }

    fn action(&self, a: &ast::Action) -> String {
        match &a.kind {
            ActionKind::Allow => "allow".into(),
            ActionKind::Log => "log".into(),
            ActionKind::Kill | ActionKind::KillProcess => "kill".into(),
            ActionKind::KillThread => "kill_thread".into(),
            ActionKind::Trap => "trap".into(),
            ActionKind::Notify => "notify".into(),
            ActionKind::Errno(v) => format!("errno({})", self.value(v, VCtx::Top)),
            ActionKind::Trace(v) => format!("trace({})", self.value(v, VCtx::Top)),
        }
    }

    fn cond(&self, c: &Cond, ctx: CCtx) -> String {
        let (text, needs, span) = match c {
            Cond::Or(parts, span) => {
                let parts: Vec<String> = parts.iter().map(|p| self.cond(p, CCtx::Or)).collect();
                (
                    parts.join(" || "),
                    matches!(ctx, CCtx::And | CCtx::Not),
                    Some(*span),
                )
            }
            Cond::And(parts, span) => {
                let parts: Vec<String> = parts.iter().map(|p| self.cond(p, CCtx::And)).collect();
                (parts.join(" && "), ctx == CCtx::Not, Some(*span))
            }
            Cond::Not(inner, span) => (
                format!("!{}", self.cond(inner, CCtx::Not)),
                false,
                Some(*span),
            ),
            Cond::Cmp(cmp) => {
                let mut text = cmp.arg.name.clone();
                if let Some(mask) = &cmp.mask {
                    text.push_str(" & ");
                    text.push_str(&self.value(mask, VCtx::Atom));
                }
                text.push(' ');
                text.push_str(cmp.op.as_str());
                text.push(' ');
                match &cmp.rhs {
                    Rhs::Value(v) => text.push_str(&self.value(v, VCtx::Top)),
                    Rhs::Set(set) => text.push_str(&self.set(set)),
                    Rhs::SetName(name) => text.push_str(&name.name),
                }
                // `!` applies to a parenthesised comparison, as in Rust.
                (text, ctx == CCtx::Not, None)
            }
        };
        if needs || span.is_some_and(|s| self.parenthesised(s)) {
            format!("({text})")
        } else {
            text
        }
    }

    fn set(&self, set: &ast::Set) -> String {
        let values: Vec<String> = set
            .values
            .iter()
            .map(|v| self.value(v, VCtx::Top))
            .collect();
        format!("{{{}}}", values.join(", "))
    }

    fn value(&self, v: &Value, ctx: VCtx) -> String {
        match v {
            Value::Number { span, .. } => self.text(*span).to_string(),
            Value::Name(name) => name.name.clone(),
            Value::Neg(inner, _) => {
                let text = format!("-{}", self.value(inner, VCtx::Atom));
                if ctx == VCtx::Atom {
                    format!("({text})")
                } else {
                    text
                }
            }
            Value::Or(parts, span) => {
                let parts: Vec<String> = parts.iter().map(|p| self.value(p, VCtx::Term)).collect();
                let text = parts.join(" | ");
                if ctx == VCtx::Atom || self.parenthesised(*span) {
                    format!("({text})")
                } else {
                    text
                }
            }
        }
    }
}

/// Where a condition is written, for parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CCtx {
    /// Inside a syscall's parentheses.
    Top,
    /// An operand of `||`.
    Or,
    /// An operand of `&&`.
    And,
    /// The operand of `!`.
    Not,
}

/// Where a value is written, for parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VCtx {
    /// A whole value: a comparison's right side, a set member, a `const`, an errno.
    Top,
    /// An operand of `|`.
    Term,
    /// A mask (`arg & M`) or the operand of `-`: a number, a name or parentheses.
    Atom,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        let out = format(src).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(
            format(&out).unwrap(),
            out,
            "not idempotent on\n{src}\n---\n{out}"
        );
        out
    }

    #[test]
    fn spacing_and_spelling() {
        assert_eq!(
            fmt("default  kill_process ;allow read,write( fd==1||fd==2 ) ,@default;"),
            "default kill;\nallow read, write(fd == 1 || fd == 2), @default;\n"
        );
        assert_eq!(
            fmt("default errno ( EPERM );\nerrno(1)openat(flags&O_ACCMODE!=O_RDONLY);"),
            "default errno(EPERM);\nerrno(1) openat(flags & O_ACCMODE != O_RDONLY);\n"
        );
        assert_eq!(
            fmt(
                "arch x86_64,aarch64,;include \"a.sc\" ;const A={1,0x2,-3,};const B=O_RDWR|O_WRONLY;default log;"
            ),
            "arch x86_64, aarch64;\ninclude \"a.sc\";\nconst A = {1, 0x2, -3};\nconst B = O_RDWR | O_WRONLY;\ndefault log;\n"
        );
        assert_eq!(
            fmt("group @io={read,write};default trap;trace(7)x(a not in {1,2}),y(b in S);"),
            "group @io = { read, write };\ndefault trap;\ntrace(7) x(a not in {1, 2}), y(b in S);\n"
        );
    }

    #[test]
    fn numbers_keep_their_form() {
        assert_eq!(
            fmt(
                "default kill; allow mmap(prot & 0b101 == 0o4 && len <= 0x1_0000_0000 && off == 1_000);"
            ),
            "default kill;\nallow mmap(prot & 0b101 == 0o4 && len <= 0x1_0000_0000 && off == 1_000);\n"
        );
    }

    #[test]
    fn parentheses() {
        // Kept around groups, added where precedence needs them, dropped elsewhere.
        assert_eq!(
            fmt(
                "default kill; allow x((a == 1) || (b == 2 && c == 3)), y((a == 1 || b == 2) && c == 3);"
            ),
            "default kill;\nallow x(a == 1 || (b == 2 && c == 3)), y((a == 1 || b == 2) && c == 3);\n"
        );
        assert_eq!(
            fmt(
                "default kill; allow x(!a == 1), y(!!(a == 1)), z(!(a == 1 && b == 2)), w(!(!(a == 1)));"
            ),
            "default kill;\nallow x(!(a == 1)), y(!!(a == 1)), z(!(a == 1 && b == 2)), w(!(!(a == 1)));\n"
        );
        assert_eq!(
            fmt(
                "default kill; allow x(a & (B | C) == (D | E)), y(a & (-1) == -(-2)), z(a == (1));"
            ),
            "default kill;\nallow x(a & (B | C) == (D | E)), y(a & (-1) == -(-2)), z(a == 1);\n"
        );
    }

    #[test]
    fn comments_stay_in_place() {
        let src = "\n\n// header\n\n\n/* licence */ // and more\ndefault kill; // deny\n/* io */ allow read, // stdin\n  write; \n\n\n// end\n";
        assert_eq!(
            fmt(src),
            "// header\n\n/* licence */ // and more\ndefault kill; // deny\n/* io */ allow read, // stdin\n    write;\n\n// end\n"
        );
        // Inside groups and sets.
        let src = "group @io = { // basic\n read, /* fd */ write,\n\n // files\n openat // last\n};\nconst S = {1, 2, // two\n 3};\ndefault kill;";
        assert_eq!(
            fmt(src),
            "group @io = { // basic\n    read, /* fd */ write,\n\n    // files\n    openat // last\n};\nconst S = {\n    1, 2, // two\n    3\n};\ndefault kill;\n"
        );
        // After the last target: behind the `;`.
        assert_eq!(
            fmt("default kill;\nallow read // r\n; // s\n"),
            "default kill;\nallow read; // r\n// s\n"
        );
        assert_eq!(
            fmt("default kill;\nallow read /* r */;\nallow write\n// w\n;"),
            "default kill;\nallow read; /* r */\nallow write;\n// w\n"
        );
    }

    #[test]
    fn comments_inside_code_keep_it_as_written() {
        let src = "default kill;\nallow read, openat(dfd == AT_FDCWD // relative\n    && flags == 0), write;\nconst X = 1 /* one */;\n";
        assert_eq!(
            fmt(src),
            "default kill;\nallow read,\n    openat(dfd == AT_FDCWD // relative\n    && flags == 0),\n    write;\nconst X = 1 /* one */;\n"
        );
        let src = "default /* why */ kill;";
        assert_eq!(fmt(src), "default /* why */ kill;\n");
    }

    #[test]
    fn long_lists_are_filled() {
        let names: Vec<String> = (0..40).map(|i| format!("syscall_{i}")).collect();
        let out = fmt(&format!(
            "default kill; allow {}; group @g = {{ {} }};",
            names.join(","),
            names.join(",")
        ));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.iter().all(|l| cols(l) <= WIDTH), "{out}");
        assert!(lines[1].starts_with("allow syscall_0, syscall_1,"), "{out}");
        assert!(lines[2].starts_with("    syscall_"), "{out}");
        let g = lines
            .iter()
            .position(|l| *l == "group @g = {")
            .expect("block");
        assert!(lines[g + 1].starts_with("    syscall_0, "), "{out}");
        assert_eq!(*lines.last().unwrap(), "};");
        assert_eq!(out.matches("syscall_39").count(), 2);
    }

    #[test]
    fn syntax_errors_are_not_formatted() {
        let d = format("default kill\nallow read;").unwrap_err();
        assert_eq!(d[0].code, crate::Code::Syntax);
        let d = format("default kill; allow write(fd == 0x1g);").unwrap_err();
        assert_eq!(d[0].code, crate::Code::BadNumber);
        assert_eq!(format("").unwrap(), "");
        assert_eq!(format("// only\n").unwrap(), "// only\n");
    }

    #[test]
    fn crlf_and_trailing_whitespace() {
        assert_eq!(
            fmt("default kill;   // x   \r\nallow read;\r\n"),
            "default kill; // x\nallow read;\n"
        );
    }
}
