//! A small policy language for seccomp, compiled to optimised classic BPF.
//!
//! ```text
//! default kill;
//! allow read, fstat, exit_group, rt_sigreturn;
//! allow write(fd == 1 || fd == 2);
//! allow openat(flags & O_ACCMODE == O_RDONLY);
//! errno(EACCES) openat, open;   // first matching rule wins
//! ```
//!
//! The pipeline runs one way, one module per stage:
//! source → [`parse`] (pest grammar) → [`ast`] → [`check`](mod@check) (names, constants, groups,
//! includes, widths, per architecture) → [`policy`] (the checked meaning) → [`codegen`]
//! (decision diagram, optimal search trees, layout) → [`bpf`] (instructions, verifier,
//! interpreter, disassembler). [`eval`] evaluates a checked policy directly and is the
//! oracle the compiled BPF is tested against. Nothing here does I/O except [`FsLoader`];
//! diagnostics carry byte spans and are rendered by the caller.
//!
//! ```
//! use seccomp_dsl::{compile_str, Arch};
//!
//! let out = compile_str("policy.sc", "default kill; allow write(fd == 1), exit_group;");
//! assert!(out.diagnostics.is_empty());
//! let x86 = out.program(Arch::X86_64).unwrap();
//! assert!(x86.len() < 20);
//! ```

// Diagnostics are the error type throughout: they are large (spans, notes, a
// suggestion) but only built on the cold path, once per mistake, so boxing them would
// buy nothing and cost every caller an indirection.
#![allow(clippy::result_large_err)]

pub mod annotate;
pub mod ast;
#[cfg(feature = "tools")]
pub mod bdd;
#[cfg(feature = "tools")]
pub mod call;
pub mod check;
pub mod codegen;
mod codes;
pub mod diag;
#[cfg(feature = "tools")]
pub mod diff;
pub mod eval;
#[cfg(feature = "tools")]
pub mod fmt;
pub mod groups;
pub mod lint;
#[cfg(feature = "oci")]
pub mod oci;
pub mod parse;
pub mod policy;
#[cfg(feature = "tools")]
pub mod region;
pub mod source;
#[cfg(feature = "tools")]
pub mod stats;
pub mod tables;

pub use check::{Checked, FsLoader, Loaded, Loader, NoLoader, check, check_str};
pub use codegen::{Program, compile};
pub use diag::{Code, Diagnostic, Severity};
pub use eval::{SeccompData, Verdict, evaluate};
pub use policy::{Action, ArchPolicy, Policy};
/// The BPF layer: instructions, codec, verifier, interpreter, disassembler.
pub use seccomp_bpf as bpf;
pub use source::{FileId, SourceMap, Span};
pub use tables::Arch;

/// Everything a front end needs after compiling a policy.
#[derive(Debug)]
pub struct Output {
    /// The root file and every included one, for rendering diagnostics.
    pub sources: SourceMap,
    /// The checked policy, when there were no errors.
    pub policy: Option<Policy>,
    /// One program per target architecture, when there were no errors.
    pub programs: Vec<Program>,
    /// Errors and warnings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The parsed files (root first).
    pub files: Vec<(FileId, ast::File)>,
    /// What the names used as values stood for, per architecture.
    pub values: Vec<check::NameValue>,
}

impl Output {
    /// Whether any diagnostic is an error (then `programs` is empty).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The program of one architecture.
    pub fn program(&self, arch: Arch) -> Option<&Program> {
        self.programs.iter().find(|p| p.arch == arch)
    }

    /// Renders every diagnostic like rustc.
    pub fn render_diagnostics(&self, color: bool) -> String {
        diag::render_all(&self.diagnostics, &self.sources, color)
    }
}

/// Parses, checks and compiles the policy in file `root` of `sources`, reading includes
/// through `loader`.
pub fn compile_sources(mut sources: SourceMap, root: FileId, loader: &mut dyn Loader) -> Output {
    let checked = check(&mut sources, root, loader);
    let mut diagnostics = checked.diagnostics;
    let mut programs = Vec::new();
    if let Some(policy) = &checked.policy {
        for ap in &policy.arches {
            match compile(ap) {
                Ok(p) => programs.push(p),
                Err(d) => diagnostics.push(d),
            }
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        programs.clear();
    }
    Output {
        sources,
        policy: checked.policy,
        programs,
        diagnostics,
        files: checked.files,
        values: checked.values,
    }
}

/// Compiles a policy held in a string; `include` is not available.
pub fn compile_str(name: &str, text: &str) -> Output {
    let mut sources = SourceMap::new();
    let root = sources.add(name, text);
    compile_sources(sources, root, &mut NoLoader)
}

/// Compiles a policy file, following includes on the file system. Only regular files of
/// at most [`source::MAX_FILE_BYTES`] are read ([`source::read_policy_file`]).
pub fn compile_file(path: &std::path::Path) -> std::io::Result<Output> {
    let text = source::read_policy_file(path)?;
    let mut sources = SourceMap::new();
    let root = sources.add(check::normalize(path).display().to_string(), text);
    Ok(compile_sources(sources, root, &mut FsLoader))
}
