//! Text → [`ast::File`], with syntax errors turned into diagnostics that say what was
//! expected, what was found, and (for the usual slips) how to fix it.

use pest::Parser as _;
use pest::iterators::Pair;

use crate::ast::{
    self, Action, ActionKind, Cmp, CmpOp, Cond, ConstValue, Ident, Item, Rhs, Target, Value,
};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct PolicyParser;

/// Words that start a statement, for "did you mean" on a misspelt action.
const STATEMENT_WORDS: &[&str] = &[
    "allow",
    "log",
    "kill",
    "kill_process",
    "kill_thread",
    "trap",
    "errno",
    "trace",
    "notify",
    "default",
    "const",
    "group",
    "include",
    "arch",
];

/// The deepest nesting the parser accepts: parentheses, braces and `!` (each `!` is a
/// level: `!!x` is two) together, and block comments inside block comments. Every stage
/// of the compiler (the pest parser first of all) walks conditions recursively, on the
/// native stack; this bound keeps each of them far from the end of the smallest stack it
/// runs on (a 2 MiB test thread, unoptimised), so that no input can overflow it. Real
/// policies nest a few levels.
pub const MAX_NESTING: usize = 64;

/// Parses one file. Syntax errors (at most one: parsing stops there) and malformed number
/// literals (all of them) go to `diags`; `None` when the text does not parse.
pub fn parse(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Option<ast::File> {
    if let Some(d) = lex_check(file, text) {
        diags.push(d);
        return None;
    }
    match PolicyParser::parse(Rule::policy, text) {
        Ok(mut pairs) => {
            let mut b = Builder { file, diags };
            let policy = pairs.next().expect("policy rule");
            Some(b.file(policy))
        }
        Err(e) => {
            diags.push(syntax_error(file, text, e));
            None
        }
    }
}

/// A comment: `// ...` (up to, not including, the end of the line) or `/* ... */`
/// (block comments nest, as in Rust).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// `/* ... */` rather than `// ...`.
    pub block: bool,
}

/// Every comment of `text`, in order (text inside strings is not a comment). The grammar
/// skips comments; `scc fmt` puts them back by position. Empty when the text has an
/// unterminated comment or string (then it does not parse either).
pub fn comments(file: FileId, text: &str) -> Vec<Comment> {
    scan_trivia(file, text, false).unwrap_or_default()
}

/// Finds unterminated block comments and strings before pest does, because pest would
/// only say that it did not expect `/`, and nesting deeper than [`MAX_NESTING`] before
/// pest recurses into it.
fn lex_check(file: FileId, text: &str) -> Option<Diagnostic> {
    scan_trivia(file, text, true).err()
}

/// The nesting the grammar recurses on, tracked over the text outside comments and
/// strings: each `(` or `{` opens a level, plus one per `!` right before it (`!!(x)` is
/// three), and a run of `!` counts while it lasts. An upper bound of the parser's
/// recursion depth, so checking it first means pest never recurses deeper.
#[derive(Default)]
struct Nesting {
    /// Levels each open bracket added.
    open: Vec<usize>,
    depth: usize,
    /// `!`s since the last other token.
    bangs: usize,
}

impl Nesting {
    /// Takes the byte at `i`; `Err` with the diagnostic when it goes too deep.
    fn step(&mut self, file: FileId, b: &[u8], i: usize) -> Result<(), Diagnostic> {
        match b[i] {
            b'(' | b'{' => {
                let levels = 1 + std::mem::take(&mut self.bangs);
                self.open.push(levels);
                self.depth += levels;
            }
            b')' | b'}' => {
                self.depth -= self.open.pop().unwrap_or(0);
                self.bangs = 0;
            }
            b'!' if b.get(i + 1) != Some(&b'=') => self.bangs += 1,
            c if c.is_ascii_whitespace() => {}
            _ => self.bangs = 0,
        }
        if self.depth + self.bangs > MAX_NESTING {
            return Err(too_deep(
                Span::new(file, i, i + 1),
                "parentheses, braces and `!`",
            )
            .help("flatten the condition: `a || (b || c)` is `a || b || c`, `!!x` is `x`, `!(a || b)` is `!a && !b`; many values are a set: `fd in {1, 2, 3}`"));
        }
        Ok(())
    }
}

/// The nesting diagnostic (S0005) at `span`; `what` nests.
pub(crate) fn too_deep(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NestingTooDeep,
        format!("nesting deeper than {MAX_NESTING} levels"),
    )
    .at(span, format!("more than {MAX_NESTING} levels of {what}"))
    .note(format!(
        "the parser and the compiler recurse on nesting, so it is limited to {MAX_NESTING} levels"
    ))
}

/// Finds the comments, skipping strings; fails on an unterminated comment or string, and
/// (`nesting`) on nesting deeper than [`MAX_NESTING`].
fn scan_trivia(file: FileId, text: &str, nesting: bool) -> Result<Vec<Comment>, Diagnostic> {
    let mut comments = Vec::new();
    let mut levels = Nesting::default();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                comments.push(Comment {
                    span: Span::new(file, start, i),
                    block: false,
                });
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let mut depth = 0usize;
                loop {
                    if i + 1 >= b.len() {
                        return Err(
                            Diagnostic::new(Code::UnterminatedComment, "unterminated block comment")
                                .at(Span::new(file, start, start + 2), "this comment is never closed")
                                .help("close it with `*/`; block comments nest, so each `/*` inside needs its own `*/`"),
                        );
                    }
                    if b[i] == b'/' && b[i + 1] == b'*' {
                        depth += 1;
                        if nesting && depth > MAX_NESTING {
                            return Err(too_deep(Span::new(file, i, i + 2), "block comments")
                                .help("block comments nest, as in Rust: close the inner ones, or use `//` comments"));
                        }
                        i += 2;
                    } else if b[i] == b'*' && b[i + 1] == b'/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                comments.push(Comment {
                    span: Span::new(file, start, i),
                    block: true,
                });
                continue;
            }
            b'"' => {
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => {
                            return Err(Diagnostic::new(
                                Code::UnterminatedString,
                                "unterminated string",
                            )
                            .at(
                                Span::new(file, start, start + 1),
                                "this string is never closed",
                            )
                            .help("close it with `\"` on the same line"));
                        }
                        Some(b'\\') => i += 2,
                        Some(b'"') => break,
                        Some(_) => i += 1,
                    }
                }
            }
            _ if nesting => levels.step(file, b, i)?,
            _ => {}
        }
        i += 1;
    }
    Ok(comments)
}

/// The token at `pos`, for "found ..." in messages: its description and byte length.
fn token_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos.min(text.len())..];
    let Some(c) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if let Some((kind, len)) = prefixed_literal(rest) {
        return (format!("{kind} `{}`", &rest[..len]), len);
    }
    if c.is_ascii_alphabetic() || c == '_' {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let what = if STATEMENT_WORDS.contains(&word) || word == "in" || word == "not" {
            "keyword"
        } else {
            "name"
        };
        return (format!("{what} `{word}`"), len);
    }
    if c.is_ascii_digit() {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        return (format!("number `{}`", &rest[..len]), len);
    }
    if c == '\'' {
        // A Rust character literal (`'a'`, `'\n'`); otherwise a lone quote.
        let len = rest[1..]
            .char_indices()
            .take(4)
            .skip(1)
            .find(|&(_, c)| c == '\'')
            .map_or(1, |(i, _)| i + 2);
        let what = if len > 1 { "character" } else { "quote" };
        return (format!("{what} `{}`", &rest[..len]), len);
    }
    if c == '"' {
        // lex_check has made sure it is closed on this line.
        let len = rest[1..]
            .char_indices()
            .scan(false, |escaped, (i, c)| {
                let end = !*escaped && c == '"';
                *escaped = !*escaped && c == '\\';
                Some((i, end))
            })
            .find(|&(_, end)| end)
            .map_or(rest.len(), |(i, _)| i + 2);
        return (format!("string `{}`", &rest[..len]), len);
    }
    for op in ["==", "!=", "<=", ">=", "&&", "||", "/*", "//"] {
        if rest.starts_with(op) {
            return (format!("`{op}`"), 2);
        }
    }
    (format!("`{c}`"), c.len_utf8())
}

/// A Rust raw, byte or C string (`r"x"`, `r#"x"#`, `b"x"`, `br"x"`, `c"x"`): these lex
/// in `seccomp_policy! {}` but are not the language's strings. Its kind and byte length.
fn prefixed_literal(rest: &str) -> Option<(&'static str, usize)> {
    let (kind, raw, after) = [
        ("br", "raw byte string", true),
        ("cr", "raw C string", true),
        ("r", "raw string", true),
        ("b", "byte string", false),
        ("c", "C string", false),
    ]
    .into_iter()
    .find_map(|(p, kind, raw)| rest.strip_prefix(p).map(|a| (kind, raw, a)))?;
    let hashes = if raw {
        after.len() - after.trim_start_matches('#').len()
    } else {
        0
    };
    let body = after[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = if raw {
        body.find(&close)? + close.len()
    } else {
        let mut escaped = false;
        body.char_indices()
            .find(|&(_, c)| {
                let end = !escaped && c == '"';
                escaped = !escaped && c == '\\';
                end
            })?
            .0
            + 1
    };
    Some((kind, rest.len() - body.len() + end))
}

/// What a grammar rule means to a reader, or `None` for rules never worth naming.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::semi => "`;`",
        Rule::comma => "`,`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::at => "`@`",
        Rule::assign => "`=`",
        Rule::ident => "a name",
        Rule::number => "a number",
        Rule::string => "a string",
        Rule::value | Rule::term | Rule::atom | Rule::neg => "a value",
        Rule::cond | Rule::conj | Rule::unary | Rule::cmp | Rule::not_op => "a condition",
        Rule::operand => "an argument name",
        Rule::cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::kw_in => "`in`",
        Rule::kw_not => "`not in`",
        Rule::or_op => "`||`",
        Rule::and_op => "`&&`",
        Rule::bitand => "`&`",
        Rule::bitor => "`|`",
        Rule::action
        | Rule::errno_action
        | Rule::trace_action
        | Rule::kw_allow
        | Rule::kw_log
        | Rule::kw_kill
        | Rule::kw_kill_process
        | Rule::kw_kill_thread
        | Rule::kw_trap
        | Rule::kw_errno
        | Rule::kw_trace
        | Rule::kw_notify => "an action (`allow`, `kill`, `errno(E)`, ...)",
        Rule::arch_stmt
        | Rule::include_stmt
        | Rule::const_stmt
        | Rule::group_stmt
        | Rule::default_stmt
        | Rule::rule_stmt
        | Rule::kw_arch
        | Rule::kw_include
        | Rule::kw_const
        | Rule::kw_group
        | Rule::kw_default => "a statement",
        Rule::target_list | Rule::syscall | Rule::group_ref => "a syscall or `@group`",
        Rule::set | Rule::set_ref => "a set `{...}`",
        Rule::EOI => "end of file",
        _ => return None,
    })
}

fn syntax_error(file: FileId, text: &str, e: pest::error::Error<Rule>) -> Diagnostic {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    if let Some(d) = fraction(file, text, pos) {
        return d;
    }
    let (found, len) = token_at(text, pos);
    let found_span = Span::new(file, pos, pos + len);
    let positives: Vec<Rule> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let mut expected: Vec<&str> = Vec::new();
    for r in &positives {
        if let Some(d) = describe(*r) {
            if !expected.contains(&d) {
                expected.push(d);
            }
        }
    }
    // A statement start where an action word is expected: likely a misspelt action.
    let word = &text[pos..pos + len];
    let at_statement = positives.iter().any(|r| {
        matches!(
            r,
            Rule::action | Rule::rule_stmt | Rule::kw_default | Rule::default_stmt
        )
    });
    if at_statement
        && !word.is_empty()
        && word.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    {
        let mut d = Diagnostic::new(Code::BadAction, format!("unknown action `{word}`"))
            .at(found_span, "expected an action or a statement");
        if let Some(s) = did_you_mean(word, STATEMENT_WORDS.iter().copied()) {
            d = d.suggest(found_span, s, format!("did you mean `{s}`?"));
        } else {
            d = d.help("a rule starts with an action: `allow`, `log`, `kill`, `kill_process`, `kill_thread`, `trap`, `errno(E)`, `trace(N)` or `notify`");
        }
        return d;
    }

    let list = join_or(&expected);
    let message = if list.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {list}, found {found}")
    };
    let mut d = Diagnostic::new(Code::Syntax, message);

    // A missing `;` is reported where it belongs: right after the previous token.
    let prev_end = text[..pos].trim_end().len();
    let newline_between = text[prev_end..pos].contains('\n');
    if positives.contains(&Rule::semi) && (newline_between || len == 0) && prev_end > 0 {
        let here = Span::new(file, prev_end, prev_end);
        let prev = last_token(&text[..prev_end]);
        d = d
            .at(here, "expected `;`")
            .suggest(here, ";", format!("add `;` after `{prev}`"));
        // At the end of the file there is no token to point at.
        if len > 0 {
            d = d.with_secondary(found_span, "unexpected token");
        }
        return d;
    }
    d = d.at(
        found_span,
        format!(
            "expected {}",
            if list.is_empty() {
                "something else"
            } else {
                &list
            }
        ),
    );

    // Common slips.
    if word == "=" && positives.contains(&Rule::cmp_op) {
        d = d.suggest(found_span, "==", "use `==` to compare");
    } else if word == "and" || word == "or" || word == "not" && !positives.contains(&Rule::kw_not) {
        let op = match word {
            "and" => "&&",
            "or" => "||",
            _ => "!",
        };
        d = d.suggest(
            found_span,
            op,
            format!("conditions use Rust's operators: `{op}`"),
        );
    } else if text[pos..].starts_with("&") && positives.contains(&Rule::cmp_op) {
        d = d.help("a mask is `arg & MASK`, then a comparison: `flags & O_ACCMODE == O_RDONLY`; to combine masks write `arg & (A | B)`");
    } else if text[pos..].starts_with("|") && positives.contains(&Rule::cmp_op) {
        d = d.help("`|` binds tighter than comparisons, as in Rust: parenthesise the mask, `flags & (A | B) == 0`");
    } else if positives.contains(&Rule::string) && prefixed_literal(&text[pos..]).is_some() {
        d = d.help("write a plain string: `\"path.sc\"`");
    } else if word == "(" && positives.contains(&Rule::semi) {
        d = d.help("conditions go directly after a syscall name: `write(fd == 1)`");
    }
    d
}

/// A number with a fraction or exponent (`1.5`, `1e3` is caught as a suffix): the
/// grammar stops at the `.`, but the mistake is the whole literal.
fn fraction(file: FileId, text: &str, pos: usize) -> Option<Diagnostic> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = text.as_bytes();
    if b.get(pos) != Some(&b'.') || !b.get(pos + 1).copied().is_some_and(word) {
        return None;
    }
    let start = text[..pos].trim_end_matches(|c: char| word(c as u8)).len();
    if !b.get(start).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut end = pos + 1;
    while end < b.len() && (word(b[end]) || b[end] == b'.') {
        end += 1;
    }
    let lit = &text[start..end];
    Some(
        Diagnostic::new(Code::BadNumber, format!("invalid number `{lit}`"))
            .at(Span::new(file, start, end), "numbers are integers")
            .help("numbers are decimal, `0x` hex, `0o` octal or `0b` binary, with optional `_` separators and no suffix"),
    )
}

/// The last token of `text` (which ends with one), for "add `;` after `kill`".
fn last_token(text: &str) -> &str {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let trimmed = text.trim_end_matches(word);
    if trimmed.len() < text.len() {
        &text[trimmed.len()..]
    } else {
        let c = text.chars().next_back().map_or(0, char::len_utf8);
        &text[text.len() - c..]
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => (*a).to_string(),
        [rest @ .., last] => format!("{} or {}", rest.join(", "), last),
    }
}

/// Builds the AST from pest pairs. The grammar guarantees the shapes it unwraps.
struct Builder<'d> {
    file: FileId,
    diags: &'d mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn ident(&self, p: Pair<'_, Rule>) -> Ident {
        debug_assert_eq!(p.as_rule(), Rule::ident);
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn file(&mut self, p: Pair<'_, Rule>) -> ast::File {
        let mut items = Vec::new();
        for stmt in p.into_inner() {
            let span = self.span(&stmt);
            let item = match stmt.as_rule() {
                Rule::arch_stmt => Item::Arch {
                    arches: stmt
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::ident)
                        .map(|p| self.ident(p))
                        .collect(),
                    span,
                },
                Rule::include_stmt => {
                    let s = stmt
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::string)
                        .expect("string");
                    let path_span = self.span(&s);
                    let inner = s.into_inner().next().expect("string_inner").as_str();
                    Item::Include {
                        path: unescape(inner),
                        path_span,
                        span,
                    }
                }
                Rule::const_stmt => {
                    let mut it = stmt.into_inner().filter(|p| {
                        !matches!(p.as_rule(), Rule::kw_const | Rule::assign | Rule::semi)
                    });
                    let name = self.ident(it.next().expect("name"));
                    let v = it.next().expect("value");
                    let value = match v.as_rule() {
                        Rule::set => ConstValue::Set(self.set(v)),
                        _ => ConstValue::Value(self.value(v)),
                    };
                    Item::Const { name, value, span }
                }
                Rule::group_stmt => {
                    let mut name = None;
                    let mut targets = Vec::new();
                    for p in stmt.into_inner() {
                        match p.as_rule() {
                            Rule::group_ref => name = Some(self.group_name(p)),
                            Rule::target_list => targets = self.targets(p),
                            _ => {}
                        }
                    }
                    Item::Group {
                        name: name.expect("group name").0,
                        targets,
                        span,
                    }
                }
                Rule::default_stmt => {
                    let a = stmt
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::action)
                        .expect("action");
                    Item::Default {
                        action: self.action(a),
                        span,
                    }
                }
                Rule::rule_stmt => {
                    let mut it = stmt.into_inner();
                    let action = self.action(it.next().expect("action"));
                    let targets = self.targets(it.next().expect("targets"));
                    Item::Rule(ast::Rule {
                        action,
                        targets,
                        span,
                    })
                }
                Rule::EOI => continue,
                r => unreachable!("statement rule {r:?}"),
            };
            items.push(item);
        }
        ast::File { items }
    }

    fn group_name(&self, p: Pair<'_, Rule>) -> (Ident, Span) {
        let span = self.span(&p);
        let id = p
            .into_inner()
            .find(|p| p.as_rule() == Rule::ident)
            .expect("ident");
        (self.ident(id), span)
    }

    fn targets(&mut self, p: Pair<'_, Rule>) -> Vec<Target> {
        let mut out = Vec::new();
        for t in p.into_inner() {
            match t.as_rule() {
                Rule::group_ref => {
                    let (name, span) = self.group_name(t);
                    out.push(Target::Group { name, span });
                }
                Rule::syscall => {
                    let span = self.span(&t);
                    let mut it = t.into_inner();
                    let name = self.ident(it.next().expect("name"));
                    let cond = it.find(|p| p.as_rule() == Rule::cond).map(|c| self.cond(c));
                    out.push(Target::Syscall { name, cond, span });
                }
                _ => {}
            }
        }
        out
    }

    fn action(&mut self, p: Pair<'_, Rule>) -> Action {
        let span = self.span(&p);
        let inner = p.into_inner().next().expect("action kind");
        let kind = match inner.as_rule() {
            Rule::kw_allow => ActionKind::Allow,
            Rule::kw_log => ActionKind::Log,
            Rule::kw_kill => ActionKind::Kill,
            Rule::kw_kill_process => ActionKind::KillProcess,
            Rule::kw_kill_thread => ActionKind::KillThread,
            Rule::kw_trap => ActionKind::Trap,
            Rule::kw_notify => ActionKind::Notify,
            Rule::errno_action | Rule::trace_action => {
                let errno = inner.as_rule() == Rule::errno_action;
                let v = inner
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::value)
                    .expect("value");
                let v = self.value(v);
                if errno {
                    ActionKind::Errno(v)
                } else {
                    ActionKind::Trace(v)
                }
            }
            r => unreachable!("action rule {r:?}"),
        };
        Action { kind, span }
    }

    fn cond(&mut self, p: Pair<'_, Rule>) -> Cond {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::cond | Rule::conj => {
                let or = p.as_rule() == Rule::cond;
                let mut parts: Vec<Cond> = p
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::or_op | Rule::and_op))
                    .map(|p| self.cond(p))
                    .collect();
                if parts.len() == 1 {
                    parts.pop().expect("one part")
                } else if or {
                    Cond::Or(parts, span)
                } else {
                    Cond::And(parts, span)
                }
            }
            Rule::unary => {
                let mut it = p
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::lparen | Rule::rparen));
                let first = it.next().expect("unary inner");
                match first.as_rule() {
                    Rule::not_op => {
                        let inner = self.cond(it.next().expect("negated"));
                        Cond::Not(Box::new(inner), span)
                    }
                    Rule::cond => {
                        // Parenthesised: keep the inner node, widen its span to the parens.
                        match self.cond(first) {
                            Cond::Or(v, _) => Cond::Or(v, span),
                            Cond::And(v, _) => Cond::And(v, span),
                            Cond::Not(v, _) => Cond::Not(v, span),
                            c @ Cond::Cmp(_) => c,
                        }
                    }
                    _ => self.cond(first),
                }
            }
            Rule::cmp => Cond::Cmp(self.cmp(p)),
            r => unreachable!("cond rule {r:?}"),
        }
    }

    fn cmp(&mut self, p: Pair<'_, Rule>) -> Cmp {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let operand = it.next().expect("operand");
        let mut oi = operand.into_inner();
        let arg = self.ident(oi.next().expect("arg"));
        let mask = oi.find(|p| p.as_rule() == Rule::atom).map(|a| self.atom(a));
        let mut op = None;
        let mut rhs = None;
        for p in it {
            match p.as_rule() {
                Rule::cmp_op => {
                    op = Some(match p.as_str() {
                        "==" => CmpOp::Eq,
                        "!=" => CmpOp::Ne,
                        "<" => CmpOp::Lt,
                        "<=" => CmpOp::Le,
                        ">" => CmpOp::Gt,
                        ">=" => CmpOp::Ge,
                        o => unreachable!("cmp op {o}"),
                    })
                }
                Rule::kw_not => op = Some(CmpOp::NotIn),
                Rule::kw_in if op.is_none() => op = Some(CmpOp::In),
                Rule::kw_in => {}
                Rule::value => rhs = Some(Rhs::Value(self.value(p))),
                Rule::set_ref => {
                    let inner = p.into_inner().next().expect("set ref");
                    rhs = Some(match inner.as_rule() {
                        Rule::set => Rhs::Set(self.set(inner)),
                        _ => Rhs::SetName(self.ident(inner)),
                    });
                }
                _ => {}
            }
        }
        Cmp {
            arg,
            mask,
            op: op.expect("operator"),
            rhs: rhs.expect("rhs"),
            span,
        }
    }

    fn set(&mut self, p: Pair<'_, Rule>) -> ast::Set {
        let span = self.span(&p);
        let values = p
            .into_inner()
            .filter(|p| p.as_rule() == Rule::value)
            .map(|v| self.value(v))
            .collect();
        ast::Set { values, span }
    }

    fn value(&mut self, p: Pair<'_, Rule>) -> Value {
        let span = self.span(&p);
        let mut terms: Vec<Value> = p
            .into_inner()
            .filter(|p| p.as_rule() == Rule::term)
            .map(|t| self.term(t))
            .collect();
        if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Value::Or(terms, span)
        }
    }

    fn term(&mut self, p: Pair<'_, Rule>) -> Value {
        let span = self.span(&p);
        let mut neg = false;
        let mut atom = None;
        for p in p.into_inner() {
            match p.as_rule() {
                Rule::neg => neg = true,
                Rule::atom => atom = Some(self.atom(p)),
                _ => {}
            }
        }
        let atom = atom.expect("atom");
        if neg {
            Value::Neg(Box::new(atom), span)
        } else {
            atom
        }
    }

    fn atom(&mut self, p: Pair<'_, Rule>) -> Value {
        let span = self.span(&p);
        let inner = p
            .into_inner()
            .find(|p| !matches!(p.as_rule(), Rule::lparen | Rule::rparen))
            .expect("atom inner");
        match inner.as_rule() {
            Rule::number => self.number(inner),
            Rule::ident => Value::Name(self.ident(inner)),
            Rule::value => match self.value(inner) {
                Value::Or(v, _) => Value::Or(v, span),
                v => v,
            },
            r => unreachable!("atom rule {r:?}"),
        }
    }

    fn number(&mut self, p: Pair<'_, Rule>) -> Value {
        let span = self.span(&p);
        match parse_number(p.as_str()) {
            Ok(value) => Value::Number { value, span },
            Err(msg) => {
                self.diags.push(
                    Diagnostic::new(Code::BadNumber, format!("invalid number `{}`", p.as_str()))
                        .at(span, msg)
                        .help("numbers are decimal, `0x` hex, `0o` octal or `0b` binary, with optional `_` separators and no suffix"),
                );
                Value::Number { value: 0, span }
            }
        }
    }
}

/// Parses a Rust-style integer literal without suffix.
pub fn parse_number(s: &str) -> Result<u64, String> {
    let (digits, radix, what) = if let Some(d) = s.strip_prefix("0x") {
        (d, 16, "hexadecimal")
    } else if let Some(d) = s.strip_prefix("0o") {
        (d, 8, "octal")
    } else if let Some(d) = s.strip_prefix("0b") {
        (d, 2, "binary")
    } else {
        (s, 10, "decimal")
    };
    let mut value: u64 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let Some(d) = c.to_digit(radix) else {
            return Err(if c.is_ascii_alphabetic() && radix == 10 && !any {
                format!("unexpected `{c}`")
            } else if c.is_ascii_alphanumeric()
                && c.is_ascii_alphabetic()
                && radix != 16
                && c.to_digit(16).is_none()
            {
                format!("`{c}` is not a {what} digit (type suffixes such as `u32` are not allowed)")
            } else {
                format!("`{c}` is not a {what} digit")
            });
        };
        any = true;
        value = value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or_else(|| "does not fit in 64 bits".to_string())?;
    }
    if !any {
        return Err(format!("no {what} digits"));
    }
    Ok(value)
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> ast::File {
        let mut d = Vec::new();
        let f = parse(FileId::ROOT, src, &mut d);
        assert!(d.is_empty(), "{d:?}");
        f.expect("parses")
    }

    fn err(src: &str) -> Diagnostic {
        let mut d = Vec::new();
        let f = parse(FileId::ROOT, src, &mut d);
        assert!(f.is_none() || !d.is_empty(), "parsed: {src}");
        d.remove(0)
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x7e02_0000"), Ok(0x7e02_0000));
        assert_eq!(parse_number("0o755"), Ok(0o755));
        assert_eq!(parse_number("0b101"), Ok(5));
        assert_eq!(parse_number("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_number("18446744073709551616").is_err());
        assert!(parse_number("0x").is_err());
        assert!(parse_number("10u32").unwrap_err().contains("suffix"));
        assert!(parse_number("0b102").is_err());
    }

    #[test]
    fn precedence_follows_rust() {
        let f = ok(
            "default kill; allow openat(flags & O_ACCMODE == O_RDONLY || fd == 1 && !(x in {1, 2}));",
        );
        let Item::Rule(r) = &f.items[1] else { panic!() };
        let Target::Syscall {
            cond: Some(Cond::Or(parts, _)),
            ..
        } = &r.targets[0]
        else {
            panic!("{:?}", r.targets[0])
        };
        assert!(matches!(
            &parts[0],
            Cond::Cmp(Cmp {
                mask: Some(_),
                op: CmpOp::Eq,
                ..
            })
        ));
        assert!(
            matches!(&parts[1], Cond::And(v, _) if v.len() == 2 && matches!(v[1], Cond::Not(..)))
        );
    }

    #[test]
    fn values_and_sets() {
        let f = ok(
            "const A = {AF_UNIX, 2 | 4, -100,}; const B = O_RDWR | O_WRONLY; default errno(EPERM);",
        );
        assert!(
            matches!(&f.items[0], Item::Const { value: ConstValue::Set(s), .. } if s.values.len() == 3)
        );
        assert!(
            matches!(&f.items[1], Item::Const { value: ConstValue::Value(Value::Or(v, _)), .. } if v.len() == 2)
        );
    }

    #[test]
    fn missing_semicolon_points_after_previous_token() {
        let d = err("default kill\nallow read;");
        assert_eq!(d.code, Code::Syntax);
        assert_eq!(d.span().map(|s| s.range()), Some(12..12));
        assert!(d.message.contains("`;`"), "{}", d.message);
    }

    #[test]
    fn a_fraction_is_an_invalid_number_not_a_stray_dot() {
        let d = err("default kill; allow write(fd == 1.5);");
        assert_eq!(d.code, Code::BadNumber);
        assert_eq!(d.message, "invalid number `1.5`");
        assert_eq!(d.span().map(|s| s.range()), Some(32..35));
    }

    #[test]
    fn a_string_where_a_value_goes_is_named_whole() {
        let d = err(r#"default kill; allow write(fd == "a\"b");"#);
        assert_eq!(d.message, r#"expected a value, found string `"a\"b"`"#);
        assert_eq!(d.span().map(|s| s.range()), Some(32..38));
    }

    #[test]
    fn rust_literals_the_language_lacks_are_named_whole() {
        let d = err("default kill; allow write(fd == 'a');");
        assert_eq!(d.message, "expected a value, found character `'a'`");
        assert_eq!(d.span().map(|s| s.range()), Some(32..35));
        let d = err(r##"include r#"a.sc"#; default kill;"##);
        assert_eq!(
            d.message,
            r##"expected a string, found raw string `r#"a.sc"#`"##
        );
        assert_eq!(d.span().map(|s| s.range()), Some(8..17));
        assert!(d.help[0].contains("plain string"), "{:?}", d.help);
        let d = err(r#"include b"a.sc"; default kill;"#);
        assert_eq!(
            d.message,
            r#"expected a string, found byte string `b"a.sc"`"#
        );
    }

    #[test]
    fn missing_semicolon_names_the_token_it_goes_after() {
        let d = err("default errno(EPERM)\nallow read;");
        let s = d.suggestion.expect("a suggestion");
        assert_eq!(s.message, "add `;` after `)`");
        let d = err("default kill\nallow read;");
        assert_eq!(
            d.suggestion.expect("a suggestion").message,
            "add `;` after `kill`"
        );
    }

    #[test]
    fn misspelt_action() {
        let d = err("default kill;\nalow read;");
        assert_eq!(d.code, Code::BadAction);
        assert_eq!(
            d.suggestion.as_ref().map(|s| s.replacement.as_str()),
            Some("allow")
        );
    }

    #[test]
    fn single_equals() {
        let d = err("default kill; allow write(fd = 1);");
        assert_eq!(
            d.suggestion.as_ref().map(|s| s.replacement.as_str()),
            Some("==")
        );
    }

    #[test]
    fn unterminated() {
        assert_eq!(
            err("default kill; /* x /* y */").code,
            Code::UnterminatedComment
        );
        assert_eq!(err("include \"a.sc;\n").code, Code::UnterminatedString);
    }

    #[test]
    fn comments_are_found_outside_strings() {
        let src = "// a\r\ninclude \"x//y.sc\"; /* b /* c */ d */ default kill; //";
        let found: Vec<(&str, bool)> = comments(FileId::ROOT, src)
            .iter()
            .map(|c| (&src[c.span.range()], c.block))
            .collect();
        assert_eq!(
            found,
            [
                ("// a\r", false),
                ("/* b /* c */ d */", true),
                ("//", false)
            ]
        );
        assert!(comments(FileId::ROOT, "/* open").is_empty());
    }

    #[test]
    fn nesting_is_bounded_before_pest_recurses() {
        // `write(` is one level: 63 more parentheses is the limit.
        let at = |n: usize| {
            format!(
                "default kill; allow write({}fd == 1{});",
                "(".repeat(n),
                ")".repeat(n)
            )
        };
        ok(&at(MAX_NESTING - 1));
        let d = err(&at(MAX_NESTING));
        assert_eq!(d.code, Code::NestingTooDeep);
        let col = "default kill; allow write(".len() + MAX_NESTING - 1;
        assert_eq!(d.span().map(|s| s.range()), Some(col..col + 1));
        // Each `!` is a level, `!=` is not; a parenthesis closes its levels.
        ok(&format!(
            "default kill; allow write({}fd == 1);",
            "!".repeat(MAX_NESTING - 1)
        ));
        assert_eq!(
            err(&format!(
                "default kill; allow write({}fd == 1);",
                "!".repeat(MAX_NESTING)
            ))
            .code,
            Code::NestingTooDeep
        );
        ok(&format!(
            "default kill; allow write({});",
            vec!["(fd != 1)"; 1000].join(" && ")
        ));
        // Block comments inside block comments; deep nesting inside a comment or a
        // string is not code.
        let comments =
            |n: usize| format!("/*{}{} default kill;", "/*".repeat(n - 1), "*/".repeat(n));
        ok(&comments(MAX_NESTING));
        assert_eq!(err(&comments(MAX_NESTING + 1)).code, Code::NestingTooDeep);
        ok(&format!("// {}\ndefault kill;", "(".repeat(1000)));
    }

    #[test]
    fn nested_comments_and_keywords_as_names() {
        let f = ok("/* a /* b */ c */ default kill; allow kill(pid == 0 && sig == 0), @default;");
        assert_eq!(f.items.len(), 2);
    }
}
