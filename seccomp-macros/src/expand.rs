//! The expansions of `seccomp_policy!` and `#[sandboxed]`.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use seccomp_dsl::{Arch, Diagnostic, FileId, Loaded, Loader, Output, Program, SourceMap};

use crate::render::{Rendered, render};

/// Name of the virtual file holding a macro's inline policy.
const INLINE: &str = "<seccomp_policy!>";

/// `seccomp_policy! { ... }` → an expression of type `::seccomp_rt::Filter`.
pub fn policy_macro(input: TokenStream) -> TokenStream {
    let rendered = render(input);
    let mut loader = ManifestLoader::new();
    let mut sources = SourceMap::new();
    let root = sources.add(INLINE, rendered.text.clone());
    let out = seccomp_dsl::compile_sources(sources, root, &mut loader);
    let errors = errors_inline(&out, &rendered);
    filter_expr(&out, errors, &loader.read, Span::call_site())
}

/// `#[sandboxed(...)] fn f() { body }` → `fn f() { install; body }`.
pub fn sandboxed(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: syn::ItemFn = match syn::parse2(item) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error(),
    };
    let args = match Args::parse(attr) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };
    let mut loader = ManifestLoader::new();
    let (out, errors, label) = match &args.policy {
        PolicySource::File(path, span) => {
            let (text, abs) = match loader.read_file(path) {
                Ok(t) => t,
                Err(e) => {
                    let msg = format!("cannot read policy file `{path}`: {e}");
                    return syn::Error::new(*span, msg).to_compile_error();
                }
            };
            loader.read.push(abs);
            let mut sources = SourceMap::new();
            let root = sources.add(path.clone(), text);
            let out = seccomp_dsl::compile_sources(sources, root, &mut loader);
            let errors = errors_file(&out, *span);
            (out, errors, path.clone())
        }
        PolicySource::Inline(tokens) => {
            let rendered = render(tokens.clone());
            let mut sources = SourceMap::new();
            let root = sources.add(INLINE, rendered.text.clone());
            let out = seccomp_dsl::compile_sources(sources, root, &mut loader);
            let errors = errors_inline(&out, &rendered);
            (out, errors, "the inline policy".to_string())
        }
    };
    let filter = filter_expr(&out, errors, &loader.read, args.span);
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

impl Args {
    /// `"file.sc"`, `policy = "file.sc", on_error = "panic"`, or an inline policy.
    fn parse(attr: TokenStream) -> syn::Result<Args> {
        let tokens: Vec<TokenTree> = attr.clone().into_iter().collect();
        let span = tokens.first().map_or(Span::call_site(), TokenTree::span);
        let is_kv = matches!(
            (tokens.first(), tokens.get(1)),
            (Some(TokenTree::Ident(i)), Some(TokenTree::Punct(p))) if (i == "policy" || i == "on_error") && p.as_char() == '='
        );
        if let (Some(TokenTree::Literal(_)), 1) = (tokens.first(), tokens.len()) {
            let lit: syn::LitStr = syn::parse2(attr)?;
            return Ok(Args {
                policy: PolicySource::File(lit.value(), lit.span()),
                on_error: OnError::Abort,
                span: lit.span(),
            });
        }
        if !is_kv {
            if tokens.is_empty() {
                return Err(syn::Error::new(
                    Span::call_site(),
                    "#[sandboxed] needs a policy: #[sandboxed(\"policy.sc\")], #[sandboxed(policy = \"policy.sc\", on_error = \"abort\")] or #[sandboxed { default kill; ... }]",
                ));
            }
            return Ok(Args {
                policy: PolicySource::Inline(attr),
                on_error: OnError::Abort,
                span,
            });
        }
        let mut policy = None;
        let mut on_error = OnError::Abort;
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("policy") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                policy = Some(PolicySource::File(lit.value(), lit.span()));
                Ok(())
            } else if meta.path.is_ident("on_error") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                on_error = match lit.value().as_str() {
                    "abort" => OnError::Abort,
                    "panic" => OnError::Panic,
                    "ignore" => OnError::Ignore,
                    other => {
                        return Err(syn::Error::new(
                            lit.span(),
                            format!(
                                "unknown on_error `{other}`: expected \"abort\", \"panic\" or \"ignore\""
                            ),
                        ));
                    }
                };
                Ok(())
            } else {
                Err(meta.error("unknown #[sandboxed] argument: expected `policy = \"file.sc\"` or `on_error = \"abort\" | \"panic\" | \"ignore\"`"))
            }
        });
        syn::parse::Parser::parse2(parser, attr)?;
        let policy = policy
            .ok_or_else(|| syn::Error::new(span, "#[sandboxed] needs `policy = \"file.sc\"`"))?;
        Ok(Args {
            policy,
            on_error,
            span,
        })
    }
}

/// Reads files relative to `CARGO_MANIFEST_DIR`, remembering every absolute path so the
/// expansion can `include_bytes!` them (editing a policy then rebuilds the crate).
struct ManifestLoader {
    dir: PathBuf,
    read: Vec<PathBuf>,
}

impl ManifestLoader {
    fn new() -> ManifestLoader {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        ManifestLoader {
            dir,
            read: Vec::new(),
        }
    }

    fn read_file(&self, rel: &str) -> Result<(String, PathBuf), String> {
        let abs = self.dir.join(rel);
        std::fs::read_to_string(&abs)
            .map(|t| (t, abs.clone()))
            .map_err(|e| format!("{}: {e}", abs.display()))
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
        let (text, abs) = self.read_file(&rel.to_string_lossy())?;
        let key = std::fs::canonicalize(&abs).unwrap_or_else(|_| abs.clone());
        self.read.push(abs);
        Ok(Loaded {
            name: rel.display().to_string(),
            key: key.display().to_string(),
            text,
        })
    }
}

/// One line per note and help, as rustc shows them under a message.
fn message(d: &Diagnostic) -> String {
    let mut m = format!("{} [{}]", d.message, d.code.id());
    for n in &d.notes {
        m.push_str(&format!("\n  = note: {n}"));
    }
    for h in &d.help {
        m.push_str(&format!("\n  = help: {h}"));
    }
    if let Some(s) = &d.suggestion {
        m.push_str(&format!("\n  = help: {}", s.message));
    }
    m
}

/// Errors of an inline policy, each at the token it points to.
fn errors_inline(out: &Output, rendered: &Rendered) -> Vec<TokenStream> {
    out.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let span = match d.span() {
                Some(s) if s.file == FileId::ROOT => {
                    rendered.span_of(s.range()).unwrap_or_else(Span::call_site)
                }
                _ => Span::call_site(),
            };
            let msg = match d.span() {
                // An error inside an included file: say where, with the line.
                Some(s) if s.file != FileId::ROOT => file_message(out, d),
                _ => message(d),
            };
            quote_spanned!(span=> ::core::compile_error!(#msg);)
        })
        .collect()
}

/// Errors of a policy file, all on the attribute, as `file:line:col: message` plus the
/// source line.
fn errors_file(out: &Output, span: Span) -> Vec<TokenStream> {
    out.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let msg = file_message(out, d);
            quote_spanned!(span=> ::core::compile_error!(#msg);)
        })
        .collect()
}

fn file_message(out: &Output, d: &Diagnostic) -> String {
    let loc = d
        .span()
        .map(|s| format!("{}: ", out.sources.location(s)))
        .unwrap_or_default();
    // The rendering's first line repeats the message; keep the snippet and the notes.
    let rendered = d.render(&out.sources, false);
    let snippet = rendered
        .split_once('\n')
        .map_or("", |(_, rest)| rest)
        .trim_end();
    format!("{loc}{} [{}]\n{snippet}", d.message, d.code.id())
}

/// The filter expression: one `const` per architecture under `#[cfg(target_arch)]`,
/// or, after errors, the errors and a placeholder of the right type.
fn filter_expr(
    out: &Output,
    errors: Vec<TokenStream>,
    read: &[PathBuf],
    span: Span,
) -> TokenStream {
    let tracked = read.iter().map(|p| {
        let p = p.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#p);
        )
    });
    let placeholder = quote!(::seccomp_rt::Filter::from_static(&[
        ::seccomp_rt::__private::sock_filter {
            code: 0x06,
            jt: 0,
            jf: 0,
            k: 0x8000_0000
        }
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
        #(#arms)*
        #[cfg(not(any(#(target_arch = #supported),*)))]
        ::core::compile_error!(#msg);
        #[cfg(not(any(#(target_arch = #supported),*)))]
        const __SECCOMP_FILTER: ::seccomp_rt::Filter = #placeholder;
        __SECCOMP_FILTER
    })
}

fn program_const(p: &Program) -> TokenStream {
    let arch = p.arch.name();
    let insns = p.insns.iter().map(|i| {
        let (code, jt, jf, k) = (i.code, i.jt, i.jf, i.k);
        quote!(::seccomp_rt::__private::sock_filter { code: #code, jt: #jt, jf: #jf, k: #k })
    });
    quote! {
        #[cfg(target_arch = #arch)]
        const __SECCOMP_FILTER: ::seccomp_rt::Filter = ::seccomp_rt::Filter::from_static(&[#(#insns),*]);
    }
}
