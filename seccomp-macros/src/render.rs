//! Tokens → policy text, remembering which bytes came from which token.
//!
//! The policy parser works on text. Rather than `TokenStream::to_string()` (whose
//! spacing is unspecified), the tokens are rendered here one by one, so a diagnostic's
//! byte range maps back to the span of the token the user wrote.

use std::ops::Range;

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};

/// The rendered text and the span of each token in it.
pub struct Rendered {
    pub text: String,
    spans: Vec<(Range<usize>, Span)>,
}

/// The tokens a byte range covers: the first and the last (the same for one token).
#[derive(Clone, Copy, Debug)]
pub struct Covered {
    pub first: Span,
    pub last: Span,
}

impl Rendered {
    /// The tokens a byte range points at: from the first it overlaps to the last; for an
    /// empty range (a missing `;`), the token just before it.
    pub fn span_of(&self, range: Range<usize>) -> Option<Covered> {
        let hit = |r: &Range<usize>| {
            if range.start == range.end {
                r.start <= range.start && range.start < r.end
            } else {
                r.start < range.end && range.start < r.end
            }
        };
        let mut hits = self.spans.iter().filter(|(r, _)| hit(r));
        if let Some((_, first)) = hits.next() {
            let last = hits.next_back().map_or(*first, |(_, s)| *s);
            return Some(Covered {
                first: *first,
                last,
            });
        }
        self.spans
            .iter()
            .rev()
            .find(|(r, _)| r.end <= range.start)
            .or_else(|| self.spans.first())
            .map(|(_, s)| Covered {
                first: *s,
                last: *s,
            })
    }

    /// The 1-based line a span starts on in the user's file, when the compiler says.
    pub fn line_of(span: Span) -> Option<usize> {
        let line = span.start().line;
        (line > 0).then_some(line)
    }
}

pub fn render(ts: TokenStream) -> Rendered {
    let mut r = Rendered {
        text: String::new(),
        spans: Vec::new(),
    };
    let mut at = At {
        joint: true, // no space before the first token
        line: 0,
    };
    walk(ts, &mut r, &mut at);
    r
}

/// Where the previous token ended.
struct At {
    /// It was a `Joint` punctuation (or nothing): no space before the next token.
    joint: bool,
    /// The line it ended on (0: unknown).
    line: usize,
}

fn push(r: &mut Rendered, at: &mut At, s: &str, span: Span, next_joint: bool) {
    // A token on a later line than the previous one starts a new line in the text too, so
    // the parser's line-sensitive hints (a `;` missing at the end of a line) still work.
    let line = span.start().line;
    if !at.joint {
        r.text.push(if line > at.line && at.line > 0 {
            '\n'
        } else {
            ' '
        });
    }
    let start = r.text.len();
    r.text.push_str(s);
    r.spans.push((start..r.text.len(), span));
    at.joint = next_joint;
    at.line = span.end().line;
}

fn walk(ts: TokenStream, r: &mut Rendered, at: &mut At) {
    let mut tokens = ts.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        match tt {
            // `/// comment` reaches a macro as `#[doc = "..."]`: it is a comment, skip it.
            TokenTree::Punct(p) if p.as_char() == '#' && is_doc_attr(tokens.peek()) => {
                tokens.next();
            }
            TokenTree::Punct(p) => {
                let mut buf = [0u8; 4];
                push(
                    r,
                    at,
                    p.as_char().encode_utf8(&mut buf),
                    p.span(),
                    p.spacing() == Spacing::Joint,
                );
            }
            TokenTree::Ident(i) => {
                let s = i.to_string();
                let s = s.strip_prefix("r#").unwrap_or(&s);
                push(r, at, s, i.span(), false);
            }
            TokenTree::Literal(l) => push(r, at, &l.to_string(), l.span(), false),
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    push(r, at, open, g.span_open(), false);
                }
                walk(g.stream(), r, at);
                if !close.is_empty() {
                    push(r, at, close, g.span_close(), false);
                }
            }
        }
    }
}

fn is_doc_attr(next: Option<&TokenTree>) -> bool {
    let Some(TokenTree::Group(g)) = next else {
        return false;
    };
    g.delimiter() == Delimiter::Bracket
        && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn renders_operators_without_inner_spaces() {
        let ts = TokenStream::from_str(
            "default kill; allow write(fd == 1 || fd != 2), @stdio; /// doc\n allow read;",
        )
        .unwrap();
        let r = render(ts);
        assert_eq!(
            r.text,
            "default kill ; allow write ( fd == 1 || fd != 2 ) , @ stdio ;\nallow read ;"
        );
    }

    #[test]
    fn maps_ranges_to_tokens() {
        let ts = TokenStream::from_str("allow wirte;").unwrap();
        let r = render(ts);
        let at = r.text.find("wirte").unwrap();
        assert!(r.span_of(at..at + 5).is_some());
        assert!(r.span_of(r.text.len()..r.text.len()).is_some());
    }

    #[test]
    fn a_range_over_several_tokens_covers_the_first_and_the_last() {
        let ts = TokenStream::from_str("allow @stdio;").unwrap();
        let r = render(ts);
        let at = r.text.find('@').unwrap();
        let covered = r.span_of(at..r.text.find(';').unwrap()).unwrap();
        assert_eq!(covered.first.start().column, 6);
        assert_eq!(covered.last.start().column, 7);
        assert_eq!(covered.last.end().column, 12);
    }

    #[test]
    fn tokens_on_later_lines_start_new_lines() {
        let ts = TokenStream::from_str("default kill\n  allow read;").unwrap();
        assert_eq!(render(ts).text, "default kill\nallow read ;");
    }
}
