//! `scc check POLICY 'CALL'...`: what the policy does with a syscall, and which rule
//! decided, computed twice (the reference evaluator on the policy, the interpreter on the
//! compiled filter) and compared.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use seccomp_dsl::ast::Item;
use seccomp_dsl::bpf::{self, SockFilter};
use seccomp_dsl::call::{self, Call, Disagreement, Report, Resolved};
use seccomp_dsl::eval::Reason;
use seccomp_dsl::{Action, Arch, ArchPolicy, Diagnostic, Output, SourceMap, Span};
use serde_json::{Value, json};

use crate::{ArchArg, Fail, load, read_filter, select};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    /// Calls such as `openat(AT_FDCWD, _, O_RDONLY)`: values as in a policy, `_` for any
    /// value (every value that makes a difference is tried), missing arguments are `_`.
    #[arg(required = true, value_name = "CALL")]
    calls: Vec<String>,
    /// Only this architecture (default: every target of the policy).
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    format: Format,
    /// Check this raw filter (`struct sock_filter` records, as `scc compile --format raw`
    /// writes) against the policy instead of the policy's own compiled filter.
    #[arg(long, value_name = "FILE")]
    bpf: Option<PathBuf>,
}

/// One call on one architecture.
struct Checked<'a> {
    arch: Arch,
    policy: &'a ArchPolicy,
    result: Result<(Resolved, Report), Diagnostic>,
}

pub fn run(a: Args) -> Result<(), Fail> {
    let out = load(&a.policy)?;
    let policy = out.policy.as_ref().expect("no errors, so a policy");
    let programs = programs(&out, &a)?;
    let mut stderr = anstream::stderr();
    let mut stdout = std::io::stdout().lock();
    let mut unreadable = 0;
    let mut disagreeing = 0;
    let mut json_out = Vec::new();
    let several = a.calls.len() > 1;
    for text in &a.calls {
        let mut sources = SourceMap::new();
        let file = sources.add("<call>", text.as_str());
        let call = match call::parse_call(file, text) {
            Ok(c) => c,
            Err(d) => {
                let _ = write!(stderr, "{}", d.render(&sources, true));
                unreadable += 1;
                continue;
            }
        };
        let checked: Vec<Checked<'_>> = programs
            .iter()
            .map(|(arch, insns)| {
                let ap = policy.arch(*arch).expect("a program per policy arch");
                Checked {
                    arch: *arch,
                    policy: ap,
                    result: call::resolve(&call, *arch).map(|r| {
                        let report = call::check_call(ap, insns, &r);
                        (r, report)
                    }),
                }
            })
            .collect();
        if checked.iter().all(|c| c.result.is_err()) {
            // Wrong everywhere (an unknown name): show each distinct mistake once.
            let mut shown: Vec<&Diagnostic> = Vec::new();
            for c in &checked {
                let d = c.result.as_ref().unwrap_err();
                if !shown.iter().any(|s| s.message == d.message) {
                    let _ = write!(stderr, "{}", d.render(&sources, true));
                    shown.push(d);
                }
            }
            unreadable += 1;
            continue;
        }
        for c in &checked {
            if let Ok((_, report)) = &c.result {
                if report.disagreeing > 0 {
                    disagreeing += 1;
                    let _ = write!(stderr, "{}", disagreement(text, c, &out, a.bpf.is_some()));
                }
            }
        }
        match a.format {
            Format::Json => json_out.extend(checked.iter().map(|c| to_json(text, &call, c, &out))),
            Format::Text => {
                if several {
                    writeln!(stdout, "{text}")?;
                }
                let indent = if several { "  " } else { "" };
                for c in &checked {
                    write!(stdout, "{}", to_text(c, &out, indent))?;
                }
            }
        }
    }
    if a.format == Format::Json {
        let v = serde_json::to_string_pretty(&json_out).map_err(|e| Fail::Usage(e.to_string()))?;
        writeln!(stdout, "{v}")?;
    }
    if disagreeing > 0 {
        return Err(Fail::Policy);
    }
    if unreadable > 0 {
        return Err(Fail::Usage(format!(
            "{unreadable} call{} could not be checked",
            if unreadable == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// The filters to run: the policy's compiled ones, or the `--bpf` file.
fn programs(out: &Output, a: &Args) -> Result<Vec<(Arch, Vec<SockFilter>)>, Fail> {
    let Some(path) = &a.bpf else {
        return Ok(select(out, a.arch)?
            .into_iter()
            .map(|p| (p.arch, p.insns.clone()))
            .collect());
    };
    let bytes = read_filter(path)?;
    let insns = bpf::from_bytes(&bytes)
        .ok_or_else(|| Fail::Usage("a raw filter is a multiple of 8 bytes".into()))?;
    let arch = match (a.arch, out.programs.as_slice()) {
        (Some(arch), _) => arch.into(),
        (None, [only]) => only.arch,
        (None, _) => Arch::native().ok_or_else(|| {
            Fail::Usage("say which architecture the filter is for with --arch".into())
        })?,
    };
    if out.program(arch).is_none() {
        return Err(Fail::Usage(format!(
            "the policy does not target {arch} (see its `arch` statement)"
        )));
    }
    Ok(vec![(arch, insns)])
}

/// `policy.sc:12: errno(EACCES) openat, open;` for the rule (or default) that decided,
/// then what the names in its action and in the matching target stood for (`where
/// EACCES = 13`): a `const` or kernel constant is shown with its value, so the text of
/// a rule can never hide what it did.
fn decided_by(c: &Checked<'_>, reason: Reason, out: &Output) -> String {
    let (policy, sources) = (c.policy, &out.sources);
    let mut s = match reason {
        Reason::WrongArch => return "another architecture's call: killed before any rule".into(),
        Reason::X32 => return "an x32 syscall number: killed before any rule".into(),
        Reason::Default => place(policy.default_span, sources),
        Reason::Rule(i) => {
            let origin = policy.rules[i].origin;
            let mut s = place(origin.stmt, sources);
            let inside = origin.target.file == origin.stmt.file
                && origin.stmt.start <= origin.target.start
                && origin.target.end <= origin.stmt.end;
            if !inside {
                s.push_str(&format!(" via {}", place(origin.target, sources)));
            }
            s
        }
    };
    let names: Vec<String> = names(c, reason, out)
        .iter()
        .map(|(name, v)| format!("{name} = {}", signed(*v)))
        .collect();
    if !names.is_empty() {
        s.push_str(&format!("  where {}", names.join(", ")));
    }
    s
}

/// The names in the deciding rule's action and matching target (or in the default
/// action), each once, with the value it stood for on this architecture.
fn names(c: &Checked<'_>, reason: Reason, out: &Output) -> Vec<(String, i128)> {
    let places = match reason {
        Reason::WrongArch | Reason::X32 => return Vec::new(),
        Reason::Default => {
            let span = c.policy.default_span;
            vec![action_span(out, span).unwrap_or(span)]
        }
        Reason::Rule(i) => {
            let origin = c.policy.rules[i].origin;
            let mut places = vec![origin.target];
            places.extend(action_span(out, origin.stmt));
            places
        }
    };
    let within = |span: Span| {
        places
            .iter()
            .any(|p| p.file == span.file && p.start <= span.start && span.end <= p.end)
    };
    let mut names: Vec<(String, i128)> = Vec::new();
    for v in out
        .values
        .iter()
        .filter(|v| v.arch == c.arch && within(v.span))
    {
        let named = (out.sources.snippet(v.span).to_owned(), v.value);
        if !names.contains(&named) {
            names.push(named);
        }
    }
    names
}

/// The action of the rule or `default` statement at `stmt`.
fn action_span(out: &Output, stmt: Span) -> Option<Span> {
    out.files
        .iter()
        .filter(|(id, _)| *id == stmt.file)
        .flat_map(|(_, f)| &f.items)
        .find_map(|item| match item {
            Item::Rule(r) if r.span == stmt => Some(r.action.span),
            Item::Default { action, span } if *span == stmt => Some(action.span),
            _ => None,
        })
}

/// A value as a policy writes it: decimal up to 0xffff (errno values, most flags) and
/// when negative (`AT_FDCWD = -100`), else hex.
fn signed(v: i128) -> String {
    if v < 0x1_0000 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

/// `file:line: text` with the text on one line, shortened when long.
fn place(span: Span, sources: &SourceMap) -> String {
    let loc = sources.location(span);
    let text = sources
        .snippet(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = if text.chars().count() > 72 {
        format!(
            "{} ...",
            text.chars().take(68).collect::<String>().trim_end()
        )
    } else {
        text
    };
    format!("{}:{}: {text}", loc.file, loc.line)
}

fn show(v: u64) -> String {
    if v < 10 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

fn arg_name(r: &Resolved, i: usize) -> String {
    r.syscall
        .and_then(|s| s.args.get(i))
        .map_or_else(|| format!("arg{i}"), |a| a.name.to_owned())
}

fn to_text(c: &Checked<'_>, out: &Output, indent: &str) -> String {
    let (r, report) = match &c.result {
        Err(d) => return format!("{indent}{}: {}\n", c.arch, d.message),
        Ok(x) => x,
    };
    let partial = if report.exhaustive {
        String::new()
    } else {
        format!(
            "{indent}  note: too many combinations: each `_` was tried alone, the others 0; give some of them values for a complete answer\n"
        )
    };
    if let [only] = report.outcomes.as_slice() {
        return format!(
            "{indent}{}: {}  ({})\n{partial}",
            c.arch,
            only.verdict.action.to_source(),
            decided_by(c, only.verdict.reason, out)
        );
    }
    let mut s = format!(
        "{indent}{}: depends on the arguments written `_` ({} values tried):\n",
        c.arch, report.inputs
    );
    for o in &report.outcomes {
        // The `_` that the policy looks at (the others change nothing).
        let when: Vec<String> = (0..6)
            .filter(|&i| r.args[i].is_none() && call::any_values(c.policy, r.nr, i).len() > 1)
            .map(|i| format!("{} = {}", arg_name(r, i), show(o.example[i])))
            .collect();
        s.push_str(&format!(
            "{indent}  {}  when {}  ({})\n",
            o.verdict.action.to_source(),
            when.join(", "),
            decided_by(c, o.verdict.reason, out)
        ));
    }
    s.push_str(&partial);
    s
}

fn call_with(r: &Resolved, args: &[u64; 6]) -> String {
    let name = r
        .syscall
        .map_or_else(|| r.nr.to_string(), |s| s.name.to_owned());
    let n = r
        .syscall
        .filter(|s| s.implemented)
        .map_or(6, |s| s.args.len());
    let shown: Vec<String> = args[..n].iter().map(|&v| show(v)).collect();
    format!("{name}({})", shown.join(", "))
}

fn bpf_result(d: &Disagreement) -> String {
    match d.bpf {
        Ok(ret) => format!("{} ({ret:#010x})", Action::from_ret(ret).to_source()),
        Err(e) => format!("no result: {e}"),
    }
}

/// The loud message for a filter that does not do what the policy says.
fn disagreement(text: &str, c: &Checked<'_>, out: &Output, external: bool) -> String {
    let Ok((r, report)) = &c.result else {
        return String::new();
    };
    let mut s = format!(
        "scc: error: THE {} FILTER DISAGREES WITH THE POLICY on `{text}` ({} of {} inputs):\n",
        c.arch, report.disagreeing, report.inputs
    );
    for d in &report.disagreements {
        s.push_str(&format!(
            "  {}: the policy says {} ({}), the filter returns {}\n",
            call_with(r, &d.args),
            d.policy.action.to_source(),
            decided_by(c, d.policy.reason, out),
            bpf_result(d)
        ));
    }
    if report.disagreeing > report.disagreements.len() {
        s.push_str(&format!(
            "  ... and {} more\n",
            report.disagreeing - report.disagreements.len()
        ));
    }
    s.push_str(if external {
        "  the filter given with --bpf does not implement this policy\n"
    } else {
        "  this is a bug in scc's compiler: please report it with the policy\n"
    });
    s
}

fn to_json(text: &str, call: &Call, c: &Checked<'_>, out: &Output) -> Value {
    let sources = &out.sources;
    let syscall = match &call.target {
        call::Target::Name(id) => json!(id.name),
        call::Target::Number(..) => Value::Null,
    };
    let (r, report) = match &c.result {
        Err(d) => {
            return json!({
                "call": text,
                "arch": c.arch.name(),
                "syscall": syscall,
                "error": d.message,
            });
        }
        Ok(x) => x,
    };
    let outcomes: Vec<Value> = report
        .outcomes
        .iter()
        .map(|o| {
            let rule = match o.verdict.reason {
                Reason::Rule(i) => Some(c.policy.rules[i].origin.stmt),
                Reason::Default => Some(c.policy.default_span),
                _ => None,
            };
            json!({
                "action": o.verdict.action.to_source(),
                "ret": o.verdict.action.ret(),
                "reason": o.verdict.reason.as_str(),
                "rule": rule.map(|span| {
                    let loc = sources.location(span);
                    json!({
                        "file": loc.file,
                        "line": loc.line,
                        "column": loc.col,
                        "text": sources.snippet(span),
                    })
                }),
                "names": names(c, o.verdict.reason, out)
                    .into_iter()
                    .map(|(name, value)| json!({"name": name, "value": value as i64}))
                    .collect::<Vec<_>>(),
                "example": o.example,
                "inputs": o.count,
            })
        })
        .collect();
    let disagreements: Vec<Value> = report
        .disagreements
        .iter()
        .map(|d| {
            json!({
                "args": d.args,
                "policy": d.policy.action.to_source(),
                "bpf_ret": d.bpf.ok(),
                "bpf": d.bpf.ok().map(|ret| Action::from_ret(ret).to_source()),
            })
        })
        .collect();
    json!({
        "call": text,
        "arch": c.arch.name(),
        "syscall": r.syscall.map(|s| s.name),
        "nr": r.nr,
        "args": r.args,
        "outcomes": outcomes,
        "inputs": report.inputs,
        "exhaustive": report.exhaustive,
        "agree": report.disagreeing == 0,
        "disagreements": disagreements,
    })
}
