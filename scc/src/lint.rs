//! `scc lint POLICY...`: the checker's errors plus the lints, like rustc prints them.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use seccomp_dsl::{Code, Diagnostic, Output, Severity, SourceMap};

use crate::{ArchArg, Fail};

#[derive(clap::Args)]
pub struct Args {
    /// Policy files.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// Only check these architectures (default: every target of the policy).
    #[arg(long, value_delimiter = ',')]
    arch: Vec<ArchArg>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Make findings of this level fail (`warnings`).
    #[arg(long, value_name = "LEVEL")]
    deny: Vec<DenyLevel>,
    /// Silence a code (repeatable), e.g. `--allow S0204`.
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-style messages with the source line and a caret (coloured on a terminal).
    Human,
    /// One JSON object per line and diagnostic.
    Json,
    /// One SARIF 2.1.0 log for all files (for code scanning, e.g. GitHub's).
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DenyLevel {
    Warnings,
}

pub fn run(args: Args) -> Result<(), Fail> {
    let mut allowed = Vec::new();
    for id in &args.allow {
        allowed.push(
            Code::from_id(id)
                .ok_or_else(|| Fail::Usage(format!("unknown code `{id}` in --allow")))?,
        );
    }
    let deny_warnings = args.deny.contains(&DenyLevel::Warnings);
    let (mut errors, mut warnings) = (0, 0);
    let mut stdout = anstream::stdout();
    let mut sarif_files = Vec::new();
    for path in &args.policies {
        let out = seccomp_dsl::compile_file(path)
            .map_err(|e| Fail::Usage(format!("cannot read {}: {e}", path.display())))?;
        let diags = findings(&out, &args.arch, &allowed);
        for d in &diags {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Note => {}
            }
            let text = match args.format {
                Format::Human => d.render(&out.sources, true),
                Format::Json => format!("{}\n", json(d, &out.sources)),
                Format::Sarif => continue,
            };
            let _ = write!(stdout, "{text}");
        }
        if args.format == Format::Sarif {
            sarif_files.push((out.sources, diags));
        }
    }
    if args.format == Format::Sarif {
        let log = crate::sarif::log(&sarif_files);
        let text = serde_json::to_string_pretty(&log).expect("JSON values serialise");
        let _ = writeln!(stdout, "{text}");
    }
    if args.format == Format::Human && errors + warnings > 0 {
        let _ = writeln!(
            anstream::stderr(),
            "scc: {errors} error{}, {warnings} warning{}{}",
            plural(errors),
            plural(warnings),
            if deny_warnings && warnings > 0 {
                " (warnings denied)"
            } else {
                ""
            }
        );
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        Err(Fail::Policy)
    } else {
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The checker's diagnostics, then (when the policy is valid) the lints, without the
/// silenced ones.
fn findings(out: &Output, arches: &[ArchArg], allowed: &[Code]) -> Vec<Diagnostic> {
    let mut diags = out.diagnostics.clone();
    if let Some(policy) = &out.policy {
        let mut policy = policy.clone();
        if !arches.is_empty() {
            let keep: Vec<seccomp_dsl::Arch> = arches.iter().map(|&a| a.into()).collect();
            policy.arches.retain(|p| keep.contains(&p.arch));
        }
        if !out.has_errors() {
            diags.extend(seccomp_dsl::lint::lint(&policy));
        }
    }
    diags.retain(|d| {
        !allowed.contains(&d.code) && !seccomp_dsl::lint::silenced_in_source(d, &out.sources)
    });
    diags
}

fn json(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let location = d.span().map(|span| {
        let file = sources.file(span.file);
        let (line, column) = file.line_col(span.start as usize);
        let (end_line, end_column) = file.line_col(span.end as usize);
        serde_json::json!({
            "file": file.name,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "text": sources.snippet(span),
        })
    });
    serde_json::json!({
        "code": d.code.id(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "location": location,
        "notes": d.notes,
        "help": d.help,
        "suggestion": d.suggestion.as_ref().map(|s| s.replacement.clone()),
    })
}
