//! One syscall written like a C call, `openat(AT_FDCWD, _, O_RDONLY)`, and what a policy
//! and its compiled filter do with it (`scc check`).
//!
//! Syntax: a syscall name (or number), then optionally its arguments in parentheses.
//! Each argument is a value as in a policy (decimal, `0x`, `0o`, `0b`, `_` separators,
//! negative numbers, `|` of values, parentheses, the kernel's constants of the
//! architecture) or `_`, which means **any value**. Missing trailing arguments are `_`.
//! A negative value is passed sign-extended to 64 bits, as a C `int` is in a register.
//!
//! An argument written `_` is tried with every value that can make a difference to the
//! policy: 0, the values its conditions compare that argument with (±1, with bits outside
//! a mask set, with a garbage or sign-extended high half for 32-bit arguments) and the
//! usual boundaries (`0x7fff_ffff`, `0x8000_0000`, `0xffff_ffff`, `1 << 32`,
//! `u64::MAX`, ...). Several `_` are tried in every combination when there are at most
//! [`MAX_COMBINATIONS`]; beyond that each `_` is swept alone, the others at 0.
//! [`check_call`] runs the reference evaluator ([`crate::evaluate`]) and the compiled BPF
//! on every input and reports each distinct decision, with an example, and every input on
//! which the two disagree.

use crate::ast::{Ident, Value};
use crate::bpf::{SockFilter, interp};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::eval::{Reason, SeccompData, Verdict, evaluate};
use crate::parse::{MAX_NESTING, parse_number, too_deep};
use crate::policy::ArchPolicy;
use crate::source::{FileId, Span};
use crate::tables::{Arch, SyscallDef, Width};

/// The most argument combinations tried for the `_` of one call.
pub const MAX_COMBINATIONS: usize = 4096;

/// What is called: a syscall name, or a raw number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Name(Ident),
    Number(u32, Span),
}

/// One argument as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// `_`: any value.
    Any(Span),
    Value(Value),
}

/// A parsed call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub target: Target,
    pub args: Vec<Arg>,
    pub span: Span,
}

/// Parses a call written in `text` (file `file` of a source map, for spans).
pub fn parse_call(file: FileId, text: &str) -> Result<Call, Diagnostic> {
    let mut p = Parser {
        file,
        text,
        pos: 0,
        depth: 0,
    };
    let call = p.call()?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.unexpected("the end of the call"));
    }
    Ok(call)
}

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    pos: usize,
    /// Parentheses open around the current value: the parser recurses on them, so they
    /// are bounded like a policy's ([`MAX_NESTING`]).
    depth: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start, self.pos)
    }

    fn unexpected(&mut self, expected: &str) -> Diagnostic {
        let start = self.pos;
        let found = match self.peek() {
            None => "the end of the call".to_owned(),
            Some(c) => format!("`{c}`"),
        };
        let len = self.peek().map_or(0, char::len_utf8);
        Diagnostic::new(Code::Syntax, format!("expected {expected}, found {found}"))
            .at(
                Span::new(self.file, self.pos.max(start), self.pos + len),
                format!("expected {expected}"),
            )
            .help("write a call like `openat(AT_FDCWD, _, O_RDONLY)`: `_` is any value")
    }

    /// A word of letters, digits and `_` (a name or a number token).
    fn word(&mut self) -> Option<(&str, Span)> {
        self.skip_ws();
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        let start = self.pos;
        self.pos += len;
        Some((&self.text[start..self.pos], self.span(start)))
    }

    fn call(&mut self) -> Result<Call, Diagnostic> {
        self.skip_ws();
        let start = self.pos;
        let Some((word, span)) = self.word() else {
            return Err(self.unexpected("a syscall name"));
        };
        let target = if word.starts_with(|c: char| c.is_ascii_digit()) {
            let n = number(word, span)?;
            let nr = u32::try_from(n).map_err(|_| {
                Diagnostic::new(
                    Code::BadNumber,
                    format!("syscall number {n} does not fit in 32 bits"),
                )
                .at(span, "seccomp sees a 32-bit number")
            })?;
            Target::Number(nr, span)
        } else {
            Target::Name(Ident {
                name: word.to_owned(),
                span,
            })
        };
        let mut args = Vec::new();
        if self.eat('(') && !self.eat(')') {
            loop {
                args.push(self.arg()?);
                if self.eat(')') {
                    break;
                }
                if !self.eat(',') {
                    return Err(self.unexpected("`,` or `)`"));
                }
                if self.eat(')') {
                    break;
                }
            }
        }
        Ok(Call {
            target,
            args,
            span: self.span(start),
        })
    }

    fn arg(&mut self) -> Result<Arg, Diagnostic> {
        self.skip_ws();
        let save = self.pos;
        if let Some(("_", span)) = self.word() {
            return Ok(Arg::Any(span));
        }
        self.pos = save;
        Ok(Arg::Value(self.value()?))
    }

    fn value(&mut self) -> Result<Value, Diagnostic> {
        self.skip_ws();
        let start = self.pos;
        let mut terms = vec![self.term()?];
        while self.eat('|') {
            terms.push(self.term()?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Value::Or(terms, self.span(start))
        })
    }

    fn term(&mut self) -> Result<Value, Diagnostic> {
        self.skip_ws();
        let start = self.pos;
        if self.eat('-') {
            let v = self.atom()?;
            return Ok(Value::Neg(Box::new(v), self.span(start)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Value, Diagnostic> {
        if self.eat('(') {
            if self.depth == MAX_NESTING {
                return Err(
                    too_deep(Span::new(self.file, self.pos - 1, self.pos), "parentheses")
                        .help("remove the extra parentheses: `((1))` is `1`"),
                );
            }
            self.depth += 1;
            let v = self.value()?;
            self.depth -= 1;
            if !self.eat(')') {
                return Err(self.unexpected("`)`"));
            }
            return Ok(v);
        }
        let Some((word, span)) = self.word() else {
            return Err(self.unexpected("a value or `_`"));
        };
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            Ok(Value::Number {
                value: number(word, span)?,
                span,
            })
        } else {
            Ok(Value::Name(Ident {
                name: word.to_owned(),
                span,
            }))
        }
    }
}

fn number(word: &str, span: Span) -> Result<u64, Diagnostic> {
    parse_number(word).map_err(|msg| {
        Diagnostic::new(Code::BadNumber, format!("invalid number `{word}`"))
            .at(span, msg)
            .help("numbers are decimal, `0x` hex, `0o` octal or `0b` binary, with optional `_` separators and no suffix")
    })
}

/// A call resolved for one architecture: its number and six registers (`None`: any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub arch: Arch,
    pub nr: u32,
    /// The syscall, when the number is one of the architecture's.
    pub syscall: Option<&'static SyscallDef>,
    pub args: [Option<u64>; 6],
}

/// Resolves names and values for `arch`. An error either holds for every architecture
/// (an unknown name, with a did-you-mean) or only for this one (a syscall or constant it
/// does not have; the message names the architecture).
pub fn resolve(call: &Call, arch: Arch) -> Result<Resolved, Diagnostic> {
    let (nr, syscall) = match &call.target {
        Target::Number(nr, _) => (*nr, arch.syscall_by_nr(*nr)),
        Target::Name(id) => match arch.syscall(&id.name) {
            Some(s) => (s.nr, Some(s)),
            None => return Err(unknown_syscall(id, arch)),
        },
    };
    if call.args.len() > 6 {
        return Err(
            Diagnostic::new(Code::ArgOutOfRange, "a syscall has at most 6 arguments")
                .at(arg_span(&call.args[6]), "one too many"),
        );
    }
    if let Some(s) = syscall.filter(|s| s.implemented && call.args.len() > s.args.len()) {
        let list: Vec<&str> = s.args.iter().map(|a| a.name).collect();
        return Err(Diagnostic::new(
            Code::ArgOutOfRange,
            format!(
                "`{}` takes {} argument{}, not {}",
                s.name,
                s.args.len(),
                if s.args.len() == 1 { "" } else { "s" },
                call.args.len()
            ),
        )
        .at(arg_span(&call.args[s.args.len()]), "no such argument")
        .note(format!("{}({})", s.name, list.join(", "))));
    }
    let mut args = [None; 6];
    for (slot, arg) in args.iter_mut().zip(&call.args) {
        *slot = match arg {
            Arg::Any(_) => None,
            Arg::Value(v) => Some(value(v, arch)?),
        };
    }
    Ok(Resolved {
        arch,
        nr,
        syscall,
        args,
    })
}

fn arg_span(a: &Arg) -> Span {
    match a {
        Arg::Any(s) => *s,
        Arg::Value(v) => v.span(),
    }
}

fn unknown_syscall(id: &Ident, arch: Arch) -> Diagnostic {
    if Arch::ALL.iter().any(|a| a.syscall(&id.name).is_some()) {
        return Diagnostic::new(
            Code::UnknownSyscall,
            format!("`{}` is not a syscall on {arch}", id.name),
        )
        .at(id.span, format!("not on {arch}"));
    }
    let mut d = Diagnostic::new(
        Code::UnknownSyscall,
        format!("unknown syscall `{}`", id.name),
    )
    .at(id.span, "not a syscall on any supported architecture");
    let all = Arch::ALL
        .iter()
        .flat_map(|a| a.syscalls().iter().map(|s| s.name));
    if let Some(s) = did_you_mean(&id.name, all) {
        d = d.suggest(id.span, s, format!("did you mean `{s}`?"));
    }
    d
}

/// The 64-bit register a value is passed in (negative values sign-extended).
fn value(v: &Value, arch: Arch) -> Result<u64, Diagnostic> {
    Ok(match v {
        Value::Number { value, .. } => *value,
        Value::Neg(v, span) => {
            let n = value(v, arch)?;
            if n > 1 << 63 {
                return Err(
                    Diagnostic::new(Code::BadNumber, "value does not fit in 64 bits")
                        .at(*span, "below -2^63"),
                );
            }
            n.wrapping_neg()
        }
        Value::Or(vs, _) => {
            let mut bits = 0;
            for v in vs {
                bits |= value(v, arch)?;
            }
            bits
        }
        Value::Name(id) => match arch.constant(&id.name) {
            Some(c) => c as u64,
            None => return Err(unknown_constant(id, arch)),
        },
    })
}

fn unknown_constant(id: &Ident, arch: Arch) -> Diagnostic {
    if Arch::ALL.iter().any(|a| a.constant(&id.name).is_some()) {
        return Diagnostic::new(
            Code::ConstantValueMismatch,
            format!("`{}` does not exist on {arch}", id.name),
        )
        .at(id.span, format!("not defined on {arch}"));
    }
    let mut d = Diagnostic::new(
        Code::UnknownConstant,
        format!("unknown constant `{}`", id.name),
    )
    .at(id.span, "not a constant of any supported architecture");
    let all = Arch::ALL
        .iter()
        .flat_map(|a| a.constants().iter().map(|c| c.name));
    if let Some(s) = did_you_mean(&id.name, all) {
        d = d.suggest(id.span, s, format!("did you mean `{s}`?"));
    }
    d
}

/// Values worth trying for argument `arg` of calls of `nr`: `[0]` when no rule looks at
/// it (then every value gives the same decision), else 0, the boundaries around each
/// value the policy compares it with, and the usual edges.
pub fn any_values(policy: &ArchPolicy, nr: u32, arg: usize) -> Vec<u64> {
    let mut out = vec![0];
    let mut looked_at = false;
    for (_, rule) in policy.rules_for(nr) {
        let Some(cond) = &rule.cond else { continue };
        for t in cond.tests() {
            if usize::from(t.arg) != arg {
                continue;
            }
            looked_at = true;
            for v in t.values() {
                for d in [v.wrapping_sub(1), v, v.wrapping_add(1)] {
                    out.push(d);
                    out.push(d | !t.mask);
                    if t.width == Width::W32 {
                        let lo = d & 0xffff_ffff;
                        out.extend([lo, lo | 0xffff_ffff_0000_0000, lo | 0xdead_beef_0000_0000]);
                    }
                }
            }
        }
    }
    if looked_at {
        out.extend([
            1,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            1 << 32,
            0x8000_0000_0000_0000,
            u64::MAX,
        ]);
    }
    // Ascending, so 0 comes first and each decision's example is the smallest value
    // that gives it.
    out.sort_unstable();
    out.dedup();
    out
}

/// One distinct decision for a call, with the first input that gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// The six registers of an input that gave it.
    pub example: [u64; 6],
    /// How many of the inputs tried gave it.
    pub count: usize,
}

/// An input on which the evaluator and the BPF program disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub args: [u64; 6],
    pub policy: Verdict,
    /// What the program returned, or why it could not run.
    pub bpf: Result<u32, interp::Fault>,
}

/// What the policy and the program do with a call on one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Each distinct decision, in the order first met (the all-`_`-zero input first).
    pub outcomes: Vec<Outcome>,
    /// Inputs tried.
    pub inputs: usize,
    /// Inputs where the compiled program did not return what the policy decides (at most
    /// 10 are kept).
    pub disagreements: Vec<Disagreement>,
    /// How many inputs disagreed in all.
    pub disagreeing: usize,
    /// Whether every combination of the `_` values was tried (else each `_` was swept
    /// alone, and a decision that needs several of them at once may be missed).
    pub exhaustive: bool,
}

/// Evaluates the call with the policy and with `prog` (the policy's compiled filter, or
/// any filter meant to implement it) on every input its `_` stand for.
pub fn check_call(policy: &ArchPolicy, prog: &[SockFilter], call: &Resolved) -> Report {
    let mut report = Report {
        outcomes: Vec::new(),
        inputs: 0,
        disagreements: Vec::new(),
        disagreeing: 0,
        exhaustive: true,
    };
    let (inputs, exhaustive) = inputs(policy, call);
    report.exhaustive = exhaustive;
    for args in inputs {
        let data = SeccompData::new(policy.arch.audit_arch(), call.nr, args);
        let verdict = evaluate(policy, &data);
        report.inputs += 1;
        match report.outcomes.iter_mut().find(|o| o.verdict == verdict) {
            Some(o) => o.count += 1,
            None => report.outcomes.push(Outcome {
                verdict,
                example: args,
                count: 1,
            }),
        }
        let bpf = interp::run(prog, &data.to_bytes()).map(|o| o.ret);
        if bpf != Ok(verdict.action.ret()) {
            report.disagreeing += 1;
            if report.disagreements.len() < 10 {
                report.disagreements.push(Disagreement {
                    args,
                    policy: verdict,
                    bpf,
                });
            }
        }
    }
    report
}

/// The argument vectors a call stands for, and whether they are every combination.
fn inputs(policy: &ArchPolicy, call: &Resolved) -> (Vec<[u64; 6]>, bool) {
    let fixed: [u64; 6] = call.args.map(|a| a.unwrap_or(0));
    let choices: Vec<(usize, Vec<u64>)> = (0..6)
        .filter(|&i| call.args[i].is_none())
        .map(|i| (i, any_values(policy, call.nr, i)))
        .filter(|(_, vs)| vs.len() > 1)
        .collect();
    let product = choices
        .iter()
        .try_fold(1usize, |acc, (_, vs)| acc.checked_mul(vs.len()))
        .unwrap_or(usize::MAX);
    let mut out = vec![fixed];
    if product <= MAX_COMBINATIONS {
        for (i, vs) in &choices {
            out = out
                .into_iter()
                .flat_map(|a| {
                    vs.iter().map(move |&v| {
                        let mut b = a;
                        b[*i] = v;
                        b
                    })
                })
                .collect();
        }
    } else {
        for (i, vs) in &choices {
            for &v in &vs[1..] {
                let mut a = fixed;
                a[*i] = v;
                out.push(a);
            }
        }
    }
    (out, product <= MAX_COMBINATIONS)
}

impl Reason {
    /// A short word for the reason: `rule`, `default`, `wrong_arch`, `x32`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::WrongArch => "wrong_arch",
            Reason::X32 => "x32",
            Reason::Rule(_) => "rule",
            Reason::Default => "default",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile_str;

    fn parse(text: &str) -> Result<Call, Diagnostic> {
        parse_call(FileId::ROOT, text)
    }

    fn regs(text: &str, arch: Arch) -> [Option<u64>; 6] {
        resolve(&parse(text).unwrap(), arch).unwrap().args
    }

    #[test]
    fn parses_values_like_a_policy() {
        let x = Arch::X86_64;
        assert_eq!(
            regs("openat(AT_FDCWD, _, O_RDONLY)", x),
            [Some((-100i64) as u64), None, Some(0), None, None, None]
        );
        assert_eq!(
            regs("openat(-100, 0x10, O_WRONLY | O_CREAT | 0o1000, 0b1_1)", x),
            [
                Some(0xffff_ffff_ffff_ff9c),
                Some(16),
                Some(1 | 0o100 | 0o1000),
                Some(3),
                None,
                None
            ]
        );
        assert_eq!(regs("  read ( 3 , _ , ) ", x)[0], Some(3));
        assert_eq!(regs("exit_group", x), [None; 6]);
        assert_eq!(
            regs("write((1 | 2), -(1))", x)[..2],
            [Some(3), Some(u64::MAX)]
        );
        let r = resolve(&parse("59()").unwrap(), x).unwrap();
        assert_eq!((r.nr, r.syscall.map(|s| s.name)), (59, Some("execve")));
    }

    #[test]
    fn mistakes_are_diagnostics() {
        let code = |text: &str| match parse(text) {
            Err(d) => d.code,
            Ok(c) => resolve(&c, Arch::X86_64).unwrap_err().code,
        };
        assert_eq!(code("openat(AT_FDCWD"), Code::Syntax);
        assert_eq!(code("openat(,)"), Code::Syntax);
        assert_eq!(code("openat(1) x"), Code::Syntax);
        assert_eq!(code("read(0x1g)"), Code::BadNumber);
        assert_eq!(code("close(1, 2)"), Code::ArgOutOfRange);
        assert_eq!(code("read(1,2,3,4,5,6,7)"), Code::ArgOutOfRange);
        let d = resolve(&parse("opnat(0)").unwrap(), Arch::X86_64).unwrap_err();
        assert_eq!(d.code, Code::UnknownSyscall);
        assert_eq!(d.suggestion.unwrap().replacement, "openat");
        let d = resolve(&parse("openat(AT_FDCWDD)").unwrap(), Arch::X86_64).unwrap_err();
        assert_eq!(d.code, Code::UnknownConstant);
        assert_eq!(d.suggestion.unwrap().replacement, "AT_FDCWD");
        let d = resolve(&parse("open(0)").unwrap(), Arch::Aarch64).unwrap_err();
        assert!(
            d.message.contains("not a syscall on aarch64"),
            "{}",
            d.message
        );
    }

    #[test]
    fn any_value_is_tried_where_the_policy_looks() {
        let out = compile_str(
            "p.sc",
            "arch x86_64;\ndefault allow;\nerrno(EACCES) openat(flags & O_ACCMODE != O_RDONLY);",
        );
        let policy = out.policy.as_ref().unwrap().arch(Arch::X86_64).unwrap();
        let prog = &out.programs[0].insns;
        let call = |text: &str| {
            let c = resolve(&parse(text).unwrap(), Arch::X86_64).unwrap();
            check_call(policy, prog, &c)
        };
        // The path is never looked at: one input.
        let r = call("openat(AT_FDCWD, _, O_RDONLY)");
        assert_eq!((r.inputs, r.outcomes.len(), r.disagreeing), (1, 1, 0));
        assert_eq!(r.outcomes[0].verdict.reason, Reason::Default);
        // The flags are: both decisions, with examples, and the BPF agrees on all.
        let r = call("openat(AT_FDCWD, _, _)");
        assert_eq!(r.outcomes.len(), 2);
        assert_eq!(r.outcomes[0].example[2], 0);
        assert_eq!(r.outcomes[1].verdict.reason, Reason::Rule(0));
        assert_eq!(r.outcomes[1].example[2] & 3, 1);
        assert!(r.inputs > 10);
        assert_eq!(r.disagreeing, 0);
        // Another program: every input disagrees.
        let other = compile_str("q.sc", "arch x86_64; default allow;");
        let r = check_call(
            policy,
            &other.programs[0].insns,
            &resolve(&parse("openat(0, 0, O_WRONLY)").unwrap(), Arch::X86_64).unwrap(),
        );
        assert_eq!(r.disagreeing, 1);
        assert_eq!(r.disagreements[0].bpf, Ok(crate::Action::Allow.ret()));
    }

    #[test]
    fn too_many_combinations_sweep_each_any_alone() {
        let out = compile_str(
            "p.sc",
            "arch x86_64;\ndefault allow;\nerrno(EPERM) mmap(addr == 4096 && len == 8192 && prot == 7 && flags == 34);",
        );
        let policy = out.policy.as_ref().unwrap().arch(Arch::X86_64).unwrap();
        let call = resolve(&parse("mmap").unwrap(), Arch::X86_64).unwrap();
        let per: Vec<usize> = (0..6)
            .map(|i| any_values(policy, call.nr, i).len())
            .collect();
        assert!(
            per[..4].iter().product::<usize>() > MAX_COMBINATIONS,
            "{per:?}"
        );
        assert_eq!(per[4..], [1, 1]);
        let r = check_call(policy, &out.programs[0].insns, &call);
        assert_eq!(r.inputs, 1 + per.iter().map(|n| n - 1).sum::<usize>());
        assert_eq!(r.disagreeing, 0);
        // Swept alone, no single argument reaches the rule: the report says it is partial.
        assert_eq!(r.outcomes.len(), 1);
        assert!(!r.exhaustive);
    }
}
