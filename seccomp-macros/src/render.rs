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

impl Rendered {
    /// The span of the token a byte range points at: the first token it overlaps; for an
    /// empty range (a missing `;`), the token just before it.
    pub fn span_of(&self, range: Range<usize>) -> Option<Span> {
        let hit = |r: &Range<usize>| {
            if range.start == range.end {
                r.start <= range.start && range.start < r.end
            } else {
                r.start < range.end && range.start < r.end
            }
        };
        if let Some((_, s)) = self.spans.iter().find(|(r, _)| hit(r)) {
            return Some(*s);
        }
        self.spans
            .iter()
            .rev()
            .find(|(r, _)| r.end <= range.start)
            .or_else(|| self.spans.first())
            .map(|(_, s)| *s)
    }
}

pub fn render(ts: TokenStream) -> Rendered {
    let mut r = Rendered {
        text: String::new(),
        spans: Vec::new(),
    };
    let mut joint = true; // no space before the first token
    walk(ts, &mut r, &mut joint);
    r
}

fn push(r: &mut Rendered, joint: &mut bool, s: &str, span: Span, next_joint: bool) {
    if !*joint {
        r.text.push(' ');
    }
    let start = r.text.len();
    r.text.push_str(s);
    r.spans.push((start..r.text.len(), span));
    *joint = next_joint;
}

fn walk(ts: TokenStream, r: &mut Rendered, joint: &mut bool) {
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
                    joint,
                    p.as_char().encode_utf8(&mut buf),
                    p.span(),
                    p.spacing() == Spacing::Joint,
                );
            }
            TokenTree::Ident(i) => {
                let s = i.to_string();
                let s = s.strip_prefix("r#").unwrap_or(&s);
                push(r, joint, s, i.span(), false);
            }
            TokenTree::Literal(l) => push(r, joint, &l.to_string(), l.span(), false),
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    push(r, joint, open, g.span_open(), false);
                }
                walk(g.stream(), r, joint);
                if !close.is_empty() {
                    push(r, joint, close, g.span_close(), false);
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
            "default kill ; allow write ( fd == 1 || fd != 2 ) , @ stdio ; allow read ;"
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
}
