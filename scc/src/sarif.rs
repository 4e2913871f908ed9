//! `scc lint --format sarif`: findings as a SARIF 2.1.0 log, for code scanning in CI
//! (GitHub code scanning, and any other SARIF consumer).
//!
//! One run; `tool.driver.rules` describes every diagnostic code (its summary and long
//! explanation); each finding is a `result` with its primary place as the location, its
//! secondary labels as related locations, and its suggestion, if any, as a fix. Lines and
//! columns are 1-based and columns count UTF-16 code units (`columnKind`), as the
//! format's default asks; `endColumn` is the column just after the region.

use seccomp_dsl::diag::Label;
use seccomp_dsl::{Code, Diagnostic, Severity, SourceMap, Span};
use serde_json::{Value, json};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The whole log for the findings of every linted file (each with its own sources).
pub fn log(files: &[(SourceMap, Vec<Diagnostic>)]) -> Value {
    let rules: Vec<Value> = Code::ALL.iter().map(|&c| rule(c)).collect();
    let results: Vec<Value> = files
        .iter()
        .flat_map(|(sources, diags)| diags.iter().map(move |d| result(d, sources)))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "scc",
                    "fullName": "scc, the seccomp-dsl policy compiler and linter",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The reportingDescriptor of a code.
fn rule(c: Code) -> Value {
    let category = match &c.id()[..3] {
        "S00" => "syntax",
        "S01" => "correctness",
        "S02" => "security",
        "S03" => "logic",
        _ => "remark",
    };
    json!({
        "id": c.id(),
        "name": format!("{c:?}"),
        "shortDescription": { "text": c.summary() },
        "fullDescription": { "text": c.explanation() },
        "help": {
            "text": format!("{}\n\nRun `scc explain {}` for this text in a terminal.", c.explanation(), c.id()),
        },
        "defaultConfiguration": { "level": level(c.severity()) },
        "properties": { "tags": [category] },
    })
}

fn result(d: &Diagnostic, sources: &SourceMap) -> Value {
    let mut text = d.message.clone();
    for n in &d.notes {
        text.push_str(&format!("\nnote: {n}"));
    }
    for h in &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    if let Some(s) = &d.suggestion {
        text.push_str(&format!("\nhelp: {}", s.message));
    }
    let index = Code::ALL
        .iter()
        .position(|&c| c == d.code)
        .expect("every code is in Code::ALL");
    let mut r = json!({
        "ruleId": d.code.id(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": d.primary.iter().map(|l| location(l, sources, None)).collect::<Vec<_>>(),
    });
    if !d.secondary.is_empty() {
        r["relatedLocations"] = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| location(l, sources, Some(i)))
            .collect();
    }
    if let Some(s) = &d.suggestion {
        r["fixes"] = json!([{
            "description": { "text": s.message },
            "artifactChanges": [{
                "artifactLocation": artifact(sources, s.span),
                "replacements": [{
                    "deletedRegion": region(sources, s.span),
                    "insertedContent": { "text": s.replacement },
                }],
            }],
        }]);
    }
    r
}

fn location(l: &Label, sources: &SourceMap, id: Option<usize>) -> Value {
    let mut v = json!({
        "physicalLocation": {
            "artifactLocation": artifact(sources, l.span),
            "region": region(sources, l.span),
        }
    });
    if let Some(id) = id {
        v["id"] = json!(id);
    }
    if !l.message.is_empty() {
        v["message"] = json!({ "text": l.message });
    }
    v
}

fn artifact(sources: &SourceMap, span: Span) -> Value {
    let (uri, relative) = uri(&sources.file(span.file).name);
    if relative {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    } else {
        json!({ "uri": uri })
    }
}

fn region(sources: &SourceMap, span: Span) -> Value {
    let text = sources.file(span.file).text.as_str();
    let start = span.start as usize;
    let end = (span.end as usize).max(start);
    let (start_line, start_column) = line_col_utf16(text, start);
    let (end_line, end_column) = line_col_utf16(text, end);
    let mut v = json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    });
    if let Some(snippet) = text.get(start..end).filter(|s| !s.is_empty()) {
        v["snippet"] = json!({ "text": snippet });
    }
    v
}

/// 1-based line and 1-based column in UTF-16 code units of a byte offset.
fn line_col_utf16(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].encode_utf16().count() + 1)
}

/// A file name as a URI reference: a relative path stays relative (percent-encoded,
/// `/`-separated; GitHub resolves it against the repository root), an absolute one
/// becomes a `file://` URI. Returns the URI and whether it is relative.
fn uri(path: &str) -> (String, bool) {
    let path = path.replace('\\', "/");
    let mut trimmed = path.as_str();
    while let Some(rest) = trimmed.strip_prefix("./") {
        trimmed = rest;
    }
    let mut out = String::new();
    for b in trimmed.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(b as char),
            // `:` stays encoded so that `a:b.sc` is not read as a scheme.
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if trimmed.starts_with('/') {
        (format!("file://{out}"), false)
    } else {
        (out, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("policy.sc"), ("policy.sc".into(), true));
        assert_eq!(uri("./a/b c.sc"), ("a/b%20c.sc".into(), true));
        assert_eq!(uri("/tmp/x:y.sc"), ("file:///tmp/x%3Ay.sc".into(), false));
        assert_eq!(uri("dir\\é.sc"), ("dir/%C3%A9.sc".into(), true));
    }

    #[test]
    fn utf16_columns() {
        let text = "ab\n// é𝄞 x";
        assert_eq!(line_col_utf16(text, 0), (1, 1));
        assert_eq!(line_col_utf16(text, 3), (2, 1));
        // `x` follows "// " (3), é (1 unit, 2 bytes), 𝄞 (2 units, 4 bytes), " ".
        let x = text.find('x').unwrap();
        assert_eq!(line_col_utf16(text, x), (2, 8));
    }
}
