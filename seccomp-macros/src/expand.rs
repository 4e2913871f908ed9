//! The expansions of `seccomp_policy!` and `#[sandboxed]`.
//!
//! A mistake in an inline policy is a `compile_error!` spanning the tokens the
//! diagnostic points at, with the message, notes and help `scc lint` gives; a mistake in
//! a policy file is `file:line:col: message` plus the source line, on the string that
//! named the file (the attribute's, or the inline policy's `include`). After errors the
//! expansion is still a well-typed `Filter` (and `#[sandboxed]` still emits the
//! function), so one mistake gives one error.

use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Group, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use seccomp_dsl::ast::Item;
use seccomp_dsl::diag::{Suggestion, did_you_mean};
use seccomp_dsl::{
    Arch, Code, Diagnostic, FileId, Loaded, Loader, Output, Program, Severity, SourceMap,
};

use crate::render::{Covered, Rendered, render};

/// Name of the virtual file holding a macro's inline policy.
const INLINE: &str = "<seccomp_policy!>";

/// `seccomp_policy! { ... }` → an expression of type `::seccomp_rt::Filter`.
pub fn policy_macro(input: TokenStream) -> TokenStream {
    let mut loader = ManifestLoader::new();
    let (out, reported) = compile_inline(input, &mut loader);
    filter_expr(&out, reported, &loader.read, Span::call_site())
}

/// What a policy's diagnostics become in the expansion.
struct Reported {
    /// `compile_error!`s; with any, the filter is a placeholder.
    errors: Vec<TokenStream>,
    /// Warnings (see [`warning`]), emitted with a filter that compiled.
    warnings: Vec<TokenStream>,
}

/// Compiles an inline policy; its diagnostics point into `tokens`.
fn compile_inline(tokens: TokenStream, loader: &mut ManifestLoader) -> (Output, Reported) {
    let rendered = render(tokens);
    let mut sources = SourceMap::new();
    let root = sources.add(INLINE, rendered.text.clone());
    let out = seccomp_dsl::compile_sources(sources, root, loader);
    let reported = Reported {
        errors: errors_inline(&out, &rendered, loader),
        warnings: warnings_inline(&out, &rendered, loader),
    };
    (out, reported)
}

/// `#[sandboxed(...)] fn f() { body }` → `fn f() { install; body }`.
pub fn sandboxed(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let at = item
                .clone()
                .into_iter()
                .next()
                .map_or(Span::call_site(), |t| t.span());
            let e = syn::Error::new(
                at,
                "#[sandboxed] goes on a function: it installs the policy before the function's body runs",
            );
            return with_item(e, item);
        }
    };
    let args = match Args::parse(attr) {
        Ok(a) => a,
        Err(e) => return with_item(e, item),
    };
    let mut loader = ManifestLoader::new();
    let (out, reported, label) = match &args.policy {
        PolicySource::File(path, span) => {
            let (text, abs) = match loader.read_file(path) {
                Ok(t) => t,
                Err(e) => {
                    let msg = format!(
                        "cannot read policy file `{path}`: {e}\n  = note: the path is relative to the directory of the crate's Cargo.toml (CARGO_MANIFEST_DIR)"
                    );
                    return with_item(syn::Error::new(*span, msg), item);
                }
            };
            loader.read.push(abs);
            let mut sources = SourceMap::new();
            let root = sources.add(path.clone(), text);
            let out = seccomp_dsl::compile_sources(sources, root, &mut loader);
            let reported = Reported {
                errors: errors_file(&out, *span),
                warnings: warnings_file(&out, *span),
            };
            (out, reported, path.clone())
        }
        PolicySource::Inline(tokens) => {
            let (out, reported) = compile_inline(tokens.clone(), &mut loader);
            (out, reported, "the inline policy".to_string())
        }
    };
    let filter = filter_expr(&out, reported, &loader.read, args.span);
    let on_error = match args.on_error {
        OnError::Abort => quote!(::seccomp_rt::__private::OnError::Abort),
        OnError::Panic => quote!(::seccomp_rt::__private::OnError::Panic),
        OnError::Ignore => quote!(::seccomp_rt::__private::OnError::Ignore),
    };
    let block = &func.block;
    let new_block: syn::Block = syn::parse_quote!({
        {
            static __SECCOMP_FILTER: ::seccomp_rt::Filter = #filter;
            ::seccomp_rt::__private::install_or(&__SECCOMP_FILTER, #label, #on_error);
        }
        #block
    });
    *func.block = new_block;
    quote!(#func)
}

/// An error about the attribute, and the item unchanged: the function still exists, so
/// the error is the only one (no "`main` function not found").
fn with_item(e: syn::Error, item: TokenStream) -> TokenStream {
    let e = e.to_compile_error();
    quote!(#e #item)
}

/// Where `#[sandboxed]` takes its policy from.
enum PolicySource {
    File(String, Span),
    Inline(TokenStream),
}

#[derive(Clone, Copy)]
enum OnError {
    Abort,
    Panic,
    Ignore,
}

struct Args {
    policy: PolicySource,
    on_error: OnError,
    span: Span,
}

const USAGE: &str = "#[sandboxed(\"policy.sc\")], #[sandboxed(policy = \"policy.sc\", on_error = \"abort\" | \"panic\" | \"ignore\")] or #[sandboxed { default kill; ... }]";

impl Args {
    /// `"file.sc"`, `policy = "file.sc", on_error = "panic"`, or an inline policy.
    fn parse(attr: TokenStream) -> syn::Result<Args> {
        let tokens: Vec<TokenTree> = attr.clone().into_iter().collect();
        let span = tokens.first().map_or(Span::call_site(), TokenTree::span);
        match (tokens.first(), tokens.get(1)) {
            (None, _) => Err(syn::Error::new(
                Span::call_site(),
                format!("#[sandboxed] needs a policy\n  = help: write {USAGE}"),
            )),
            (Some(TokenTree::Literal(_)), None) => {
                let lit: syn::LitStr = syn::parse2(attr)?;
                Ok(Args {
                    policy: PolicySource::File(lit.value(), lit.span()),
                    on_error: OnError::Abort,
                    span: lit.span(),
                })
            }
            (Some(TokenTree::Literal(_)), Some(next)) => Err(syn::Error::new(
                next.span(),
                "expected nothing after the policy file\n  = help: with options, name the file: #[sandboxed(policy = \"policy.sc\", on_error = \"panic\")]",
            )),
            // No policy statement starts with `name =`: these are options.
            (Some(TokenTree::Ident(_)), Some(TokenTree::Punct(p))) if p.as_char() == '=' => {
                Args::parse_options(attr, span)
            }
            _ => Ok(Args {
                policy: PolicySource::Inline(attr),
                on_error: OnError::Abort,
                span,
            }),
        }
    }

    /// `policy = "file.sc", on_error = "abort" | "panic" | "ignore"`.
    fn parse_options(attr: TokenStream, span: Span) -> syn::Result<Args> {
        let mut policy = None;
        let mut on_error = None;
        let parser = syn::meta::parser(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let string = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<syn::LitStr> {
                let value = meta.value()?;
                value.parse().map_err(|e| {
                    syn::Error::new(e.span(), format!("expected a string: `{key} = \"...\"`"))
                })
            };
            match key.as_str() {
                "policy" | "on_error" => {
                    let lit = string(&meta)?;
                    let taken = if key == "policy" {
                        policy.is_some()
                    } else {
                        on_error.is_some()
                    };
                    if taken {
                        return Err(syn::Error::new_spanned(
                            &meta.path,
                            format!("`{key}` is given twice"),
                        ));
                    }
                    if key == "policy" {
                        policy = Some(PolicySource::File(lit.value(), lit.span()));
                        return Ok(());
                    }
                    on_error = Some(match lit.value().as_str() {
                        "abort" => OnError::Abort,
                        "panic" => OnError::Panic,
                        "ignore" => OnError::Ignore,
                        other => {
                            let mut msg = format!(
                                "unknown on_error `{other}`: expected \"abort\", \"panic\" or \"ignore\""
                            );
                            if let Some(s) = did_you_mean(other, ["abort", "panic", "ignore"]) {
                                msg.push_str(&format!("\n  = help: did you mean \"{s}\"?"));
                            }
                            return Err(syn::Error::new(lit.span(), msg));
                        }
                    });
                    Ok(())
                }
                _ => {
                    let mut msg = format!(
                        "unknown #[sandboxed] option `{key}`: expected `policy = \"file.sc\"` or `on_error = \"abort\" | \"panic\" | \"ignore\"`"
                    );
                    if let Some(s) = did_you_mean(&key, ["policy", "on_error"]) {
                        msg.push_str(&format!("\n  = help: did you mean `{s}`?"));
                    }
                    Err(syn::Error::new_spanned(&meta.path, msg))
                }
            }
        });
        syn::parse::Parser::parse2(parser, attr)?;
        let policy = policy.ok_or_else(|| {
            syn::Error::new(
                span,
                "#[sandboxed] needs a policy file: add `policy = \"file.sc\"`",
            )
        })?;
        Ok(Args {
            policy,
            on_error: on_error.unwrap_or(OnError::Abort),
            span,
        })
    }
}

/// Reads files relative to `CARGO_MANIFEST_DIR`, remembering every absolute path so the
/// expansion can `include_bytes!` them (editing a policy then rebuilds the crate), and
/// which file included which, so an error in an included file can be shown on the
/// inline policy's `include`.
struct ManifestLoader {
    dir: PathBuf,
    read: Vec<PathBuf>,
    /// (file name, including file's name, path as written in the `include`).
    included: Vec<(String, String, String)>,
}

impl ManifestLoader {
    fn new() -> ManifestLoader {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        ManifestLoader {
            dir,
            read: Vec::new(),
            included: Vec::new(),
        }
    }

    /// Reads `rel` (relative to the manifest directory). The error names the file as
    /// written, not the absolute path, so messages are the same on every machine.
    fn read_file(&self, rel: &str) -> Result<(String, PathBuf), String> {
        let abs = self.dir.join(rel);
        seccomp_dsl::source::read_policy_file(&abs)
            .map(|t| (t, abs.clone()))
            .map_err(|e| e.to_string())
    }

    /// The `include` of the root (inline) policy through which `name` was read.
    fn root_include(&self, name: &str) -> Option<&str> {
        let mut name = name;
        for _ in 0..=self.included.len() {
            let (_, from, path) = self.included.iter().find(|(n, _, _)| n == name)?;
            if from == INLINE {
                return Some(path);
            }
            name = from;
        }
        None
    }
}

impl Loader for ManifestLoader {
    fn load(&mut self, from: &str, path: &str) -> Result<Loaded, String> {
        // The inline policy's includes are relative to the manifest; a file's, to its directory.
        let base = if from == INLINE {
            Path::new("")
        } else {
            Path::new(from).parent().unwrap_or(Path::new(""))
        };
        let rel = base.join(path);
        let (text, abs) = self.read_file(&rel.to_string_lossy()).map_err(|e| {
            format!(
                "{}: {e} (paths are relative to the directory of the crate's Cargo.toml, CARGO_MANIFEST_DIR)",
                rel.display()
            )
        })?;
        let key = std::fs::canonicalize(&abs).unwrap_or_else(|_| abs.clone());
        self.read.push(abs);
        let name = rel.display().to_string();
        self.included
            .push((name.clone(), from.to_string(), path.to_string()));
        Ok(Loaded {
            name,
            key: key.display().to_string(),
            text,
        })
    }
}

/// `compile_error! { msg }` over the tokens from `at.first` to `at.last`: the macro
/// path carries the first span and the braces the last, and rustc reports the error on
/// the whole invocation, so it underlines both and everything between (as syn's
/// `Error::new_spanned` does; `Span::join` is not stable).
fn compile_error(msg: &str, at: Covered) -> TokenStream {
    let first = at.first;
    let last = at.last;
    let path = quote_spanned!(first=> ::core::compile_error);
    let mut bang = Punct::new('!', Spacing::Alone);
    bang.set_span(last);
    let mut body = Group::new(Delimiter::Brace, quote_spanned!(last=> #msg));
    body.set_span(last);
    quote!(#path #bang #body)
}

/// The help line a suggestion gives: its message, with the replacement if the message
/// does not already show it (`add a default ...: `default kill;``).
fn suggestion_help(s: &Suggestion) -> String {
    let replacement = s.replacement.trim();
    if s.message.contains(replacement) {
        s.message.clone()
    } else {
        format!("{}: `{replacement}`", s.message)
    }
}

/// Whether a diagnostic's primary label says something its message does not (under
/// `scc lint`'s caret it is shown; a `compile_error!` has no room for it, so it becomes
/// a note). Labels such as "unknown argument" or "not defined" only repeat the message.
fn label_informs(code: Code) -> bool {
    matches!(
        code,
        Code::BadNumber
            | Code::ValueTooWide
            | Code::BadErrno
            | Code::BadTrace
            | Code::ArgOutOfRange
            | Code::NoPrototype
            | Code::TooLarge
            | Code::ConstantValueMismatch
    )
}

/// The message of an inline policy's error, as rustc shows a note or help under one:
/// `unknown syscall `opnat` [S0101]` then `= help: did you mean `openat`?`.
fn message(d: &Diagnostic, rendered: &Rendered) -> String {
    let mut m = format!("{} [{}]", d.message, d.code.id());
    let mut note = |n: &str| m.push_str(&format!("\n  = note: {n}"));
    if let Some(l) = &d.primary {
        if label_informs(d.code) && !l.message.is_empty() {
            note(&l.message);
        }
    }
    // Related places (`first set here`) cannot be underlined too: say which line. (A
    // syntax error's "unexpected token" is the one its message names.)
    for l in d.secondary.iter().filter(|_| d.code != Code::Syntax) {
        let line = (l.span.file == FileId::ROOT)
            .then(|| rendered.span_of(l.span.range()))
            .flatten()
            .and_then(|c| Rendered::line_of(c.first));
        match line {
            Some(line) => note(&format!("{} (line {line})", l.message)),
            None => note(&l.message),
        }
    }
    for n in &d.notes {
        note(n);
    }
    for h in &d.help {
        m.push_str(&format!("\n  = help: {h}"));
    }
    if let Some(s) = &d.suggestion {
        m.push_str(&format!("\n  = help: {}", suggestion_help(s)));
    }
    m
}

/// Where a diagnostic of an inline policy is shown, and its message: on the tokens it
/// points to; a diagnostic in an included file is shown as `file:line:col` with its
/// line, on the `include` that read the file.
fn place_inline(
    out: &Output,
    rendered: &Rendered,
    loader: &ManifestLoader,
    d: &Diagnostic,
) -> (String, Covered) {
    let call_site = Covered {
        first: Span::call_site(),
        last: Span::call_site(),
    };
    match d.span() {
        Some(s) if s.file == FileId::ROOT => {
            let at = rendered.span_of(s.range()).unwrap_or(call_site);
            (message(d, rendered), at)
        }
        Some(s) => {
            let name = &out.sources.file(s.file).name;
            let at = loader
                .root_include(name)
                .and_then(|path| include_span(out, path))
                .and_then(|span| rendered.span_of(span.range()))
                .unwrap_or(call_site);
            (file_message(out, d), at)
        }
        None => (message(d, rendered), call_site),
    }
}

/// Errors of an inline policy, each where [`place_inline`] puts it.
fn errors_inline(out: &Output, rendered: &Rendered, loader: &ManifestLoader) -> Vec<TokenStream> {
    out.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let (msg, at) = place_inline(out, rendered, loader, d);
            compile_error(&msg, at)
        })
        .collect()
}

/// Warnings of an inline policy, each where [`place_inline`] puts it.
fn warnings_inline(out: &Output, rendered: &Rendered, loader: &ManifestLoader) -> Vec<TokenStream> {
    warnings_of(out)
        .iter()
        .map(|d| {
            let (msg, at) = place_inline(out, rendered, loader, d);
            warning(&msg, at.first)
        })
        .collect()
}

/// The warnings `scc lint` would print for a policy without errors: the checker's and
/// the lints', minus those silenced by a `// scc: allow(CODE)` comment (in a file;
/// an inline policy has no comments left by the time the macro sees it). Notes, which
/// `scc lint` prints as information, are not turned into compiler warnings.
fn warnings_of(out: &Output) -> Vec<Diagnostic> {
    let lints = match &out.policy {
        Some(policy) if !out.has_errors() => seccomp_dsl::lint::lint(policy),
        _ => Vec::new(),
    };
    out.diagnostics
        .iter()
        .cloned()
        .chain(lints)
        .filter(|d| d.severity == Severity::Warning)
        .filter(|d| !seccomp_dsl::lint::silenced_in_source(d, &out.sources))
        .collect()
}

/// A compiler warning at `at`. Stable Rust has no API for a proc macro to warn, so the
/// warning is the use of a `#[deprecated]` constant whose note is the message: rustc
/// prints `warning: use of deprecated constant `…::policy_warning`: MESSAGE` at the
/// token. `#[allow(deprecated)]` on the item silences them all.
fn warning(msg: &str, at: Span) -> TokenStream {
    let name = proc_macro2::Ident::new("policy_warning", at);
    quote!({
        #[deprecated(note = #msg)]
        #[allow(non_upper_case_globals)]
        const #name: () = ();
        let _ = #name;
    })
}

/// Where the root policy writes `include "path"`: the string's span.
fn include_span(out: &Output, path: &str) -> Option<seccomp_dsl::Span> {
    let (_, root) = out.files.iter().find(|(id, _)| *id == FileId::ROOT)?;
    root.items.iter().find_map(|item| match item {
        Item::Include {
            path: p, path_span, ..
        } if p == path => Some(*path_span),
        _ => None,
    })
}

/// Errors of a policy file, all on the attribute's string, as `file:line:col: message`
/// plus the source line.
fn errors_file(out: &Output, span: Span) -> Vec<TokenStream> {
    let at = Covered {
        first: span,
        last: span,
    };
    out.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| compile_error(&file_message(out, d), at))
        .collect()
}

/// Warnings of a policy file, all on the attribute's string, shown like its errors.
fn warnings_file(out: &Output, span: Span) -> Vec<TokenStream> {
    warnings_of(out)
        .iter()
        .map(|d| warning(&file_message(out, d), span))
        .collect()
}

/// `policy.sc:4:19: unknown syscall `opnat` [S0101]`, then the line with a caret and
/// the label, the notes and the help, as `scc lint` shows them (the suggestion as a
/// `= help:` line, as for inline policies).
fn file_message(out: &Output, d: &Diagnostic) -> String {
    let loc = d
        .span()
        .map(|s| format!("{}: ", out.sources.location(s)))
        .unwrap_or_default();
    let mut d = d.clone();
    if let Some(s) = d.suggestion.take() {
        d.help.push(suggestion_help(&s));
    }
    let rendered = d.render(&out.sources, false);
    // The rendering's first line repeats the message, and its `-->` line the location.
    let mut lines = rendered.lines().skip(1).peekable();
    if lines
        .peek()
        .is_some_and(|l| l.trim_start().starts_with("--> "))
    {
        lines.next();
    }
    let snippet: Vec<&str> = lines.collect();
    format!(
        "{loc}{} [{}]\n{}",
        d.message,
        d.code.id(),
        snippet.join("\n").trim_end()
    )
}

/// The filter expression: one `const` per architecture under `#[cfg(target_arch)]`,
/// or, after errors, the errors and a placeholder of the right type.
fn filter_expr(out: &Output, reported: Reported, read: &[PathBuf], span: Span) -> TokenStream {
    let Reported { errors, warnings } = reported;
    let tracked = read.iter().map(|p| {
        let p = p.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#p);
        )
    });
    let placeholder = quote!(::seccomp_rt::Filter::from_static(&[
        ::seccomp_rt::__private::SockFilter::ret(0x8000_0000)
    ]));
    if !errors.is_empty() || out.has_errors() {
        return quote_spanned!(span=> {
            #(#tracked)*
            #(#errors)*
            #placeholder
        });
    }
    let supported: Vec<&str> = out.programs.iter().map(|p| p.arch.name()).collect();
    let arms = out.programs.iter().map(program_const);
    let all: Vec<&str> = Arch::ALL.iter().map(|a| a.name()).collect();
    let msg = if supported.len() == all.len() {
        format!(
            "seccomp_policy!: unsupported target architecture; supported: {}",
            supported.join(", ")
        )
    } else {
        format!(
            "seccomp_policy!: this policy is compiled for {} only (its `arch` statement)",
            supported.join(", ")
        )
    };
    quote_spanned!(span=> {
        #(#tracked)*
        #(#warnings)*
        #(#arms)*
        #[cfg(not(any(#(target_arch = #supported),*)))]
        ::core::compile_error!(#msg);
        #[cfg(not(any(#(target_arch = #supported),*)))]
        const __SECCOMP_FILTER: ::seccomp_rt::Filter = #placeholder;
        __SECCOMP_FILTER
    })
}

/// One architecture's program as a `const`. The instructions travel as one byte string
/// of 8-byte little-endian `struct sock_filter` records, decoded by a `const fn`: one
/// token instead of ~25 per instruction, which is most of what the expansion costs
/// inside the compiler (every token crosses the proc-macro bridge and is parsed again).
fn program_const(p: &Program) -> TokenStream {
    let arch = p.arch.name();
    let n = p.insns.len();
    let bytes = seccomp_dsl::bpf::encode(&p.insns, seccomp_dsl::bpf::Endian::Little);
    let bytes = proc_macro2::Literal::byte_string(&bytes);
    quote! {
        #[cfg(target_arch = #arch)]
        const __SECCOMP_FILTER: ::seccomp_rt::Filter = {
            const INSNS: [::seccomp_rt::__private::SockFilter; #n] =
                ::seccomp_rt::__private::decode_array(#bytes, ::seccomp_rt::__private::Endian::Little);
            ::seccomp_rt::Filter::from_static(&INSNS)
        };
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::{Duration, Instant};

    use super::*;

    /// Docker's default profile, from this crate's directory (`CARGO_MANIFEST_DIR`, as
    /// the attribute resolves it).
    const DOCKER: &str = "../../shared/profiles/docker-default.x86_64.sc";

    /// Timings of `runs` calls: the first (cold: code and tables not yet paged in, as
    /// for the first expansion in a crate), then the best and the median of the rest.
    struct Timing {
        first: Duration,
        best: Duration,
        median: Duration,
    }

    impl std::fmt::Display for Timing {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            write!(
                f,
                "first {:.1} ms, then best {:.1} ms, median {:.1} ms",
                ms(self.first),
                ms(self.best),
                ms(self.median)
            )
        }
    }

    fn time(runs: usize, mut f: impl FnMut() -> TokenStream) -> (Timing, String) {
        let mut out = String::new();
        let mut times: Vec<Duration> = (0..runs)
            .map(|i| {
                let start = Instant::now();
                let ts = f();
                let t = start.elapsed();
                if i == 0 {
                    out = ts.to_string();
                }
                t
            })
            .collect();
        let first = times.remove(0);
        times.sort();
        let timing = Timing {
            first,
            best: times[0],
            median: times[times.len() / 2],
        };
        (timing, out)
    }

    /// A program per arch, and no error but the one for other targets.
    fn check_expansion(out: &str) {
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(out.contains("unsupported target architecture"), "{out}");
        for arch in ["x86_64", "aarch64"] {
            let program = format!("# [cfg (target_arch = \"{arch}\")] const __SECCOMP_FILTER");
            assert!(out.contains(&program), "{out}");
        }
    }

    /// What expanding Docker's profile costs a build: `#[sandboxed("…")]` reads the file,
    /// parses, checks and compiles it for both arches and builds the output tokens; the
    /// `seccomp_policy! {…}` form renders its input tokens to text first. Run with
    /// `cargo test --release -p seccomp-macros -- --ignored --nocapture expansion_time`
    /// (the proc macro is built at opt-level 3, see the workspace's `build-override`).
    /// This is the expansion logic on `proc_macro2`'s own token implementation; inside
    /// rustc every token also crosses the proc-macro bridge (the README gives both).
    #[test]
    #[ignore = "timing: run with --release -- --ignored --nocapture"]
    fn expansion_time_of_dockers_profile() {
        let runs = 21;
        let attr = quote!(#DOCKER);
        let item = quote!(
            fn main() {}
        );
        let (t, out) = time(runs, || sandboxed(attr.clone(), item.clone()));
        check_expansion(&out);
        println!("#[sandboxed(\"{DOCKER}\")]: {t}");

        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DOCKER);
        let text = std::fs::read_to_string(&path).expect("../shared/profiles is part of CI");
        let tokens = TokenStream::from_str(&text).expect("the profile lexes as Rust tokens");
        let (t, out) = time(runs, || policy_macro(tokens.clone()));
        check_expansion(&out);
        println!(
            "seccomp_policy! {{ <{} lines> }}: {t}",
            text.lines().count()
        );
    }
}
