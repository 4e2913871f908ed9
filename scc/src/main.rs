//! `scc`: the command-line companion of the seccomp policy language.
//!
//! This file only parses arguments and calls the library; each subcommand lives in its
//! own module. Exit status: 0 success, 1 findings or policy errors, 2 usage or I/O errors.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use seccomp_dsl::{Arch, Output};

mod check;
mod compile;
mod exec;
mod fmt;
mod hook;
mod lint;
mod oci;
mod recorder;
mod run;
mod sarif;
mod stats;
mod trace;

#[derive(Parser)]
#[command(name = "scc", version, about = "Compile, check and inspect seccomp policies", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a policy to classic BPF.
    Compile(compile::Args),
    /// Check policies for errors and for mistakes that let attackers out.
    Lint(lint::Args),
    /// Size, path lengths and kernel cache coverage of a policy's filters.
    Stats(stats::Args),
    /// Show a policy's compiled filter (or a raw .bpf file) as annotated instructions.
    Disasm(compile::DisasmArgs),
    /// Rewrite policies in the canonical layout (`--check`: only report what would change).
    Fmt(fmt::Args),
    /// Run a command under a policy (installed with NO_NEW_PRIVS and TSYNC, then exec).
    Run(run::Args),
    /// A process's seccomp mode and number of filters.
    Status(run::StatusArgs),
    /// Run a command, record every syscall of its threads and children, write a policy.
    Trace(trace::Args),
    /// OCI hook recording a container's profile for the `io.containers.trace-syscall`
    /// annotation (podman hooks.d, stage precreate).
    Hook(hook::HookArgs),
    /// Run an OCI runtime (runc), recording the container's profile when its config asks
    /// (annotation, or `SCC_TRACE_SYSCALL` in its environment: Docker).
    OciRuntime(hook::RuntimeArgs),
    /// Import a Docker/OCI JSON seccomp profile as a policy file.
    Import(oci::ImportArgs),
    /// Export a policy as an OCI/Docker JSON profile or a SeccompProfile resource.
    Export(oci::ExportArgs),
    /// The semantic difference of two policies or profiles (exit 1 when they differ);
    /// `--subset-of BASELINE POLICY` fails when POLICY lets through more.
    Diff(oci::DiffArgs),
    /// What a policy does with a call, e.g. `scc check policy.sc 'openat(AT_FDCWD, _, O_RDONLY)'`:
    /// the action and the rule that decided, from the policy and from its compiled filter.
    Check(check::Args),
    /// Explain a diagnostic code, e.g. `scc explain S0101`.
    Explain {
        /// The code.
        code: String,
    },
}

/// An architecture on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ArchArg {
    #[value(name = "x86_64", alias = "amd64")]
    X86_64,
    #[value(name = "aarch64", alias = "arm64")]
    Aarch64,
}

impl From<ArchArg> for Arch {
    fn from(a: ArchArg) -> Arch {
        match a {
            ArchArg::X86_64 => Arch::X86_64,
            ArchArg::Aarch64 => Arch::Aarch64,
        }
    }
}

/// A failure that ends the command.
pub enum Fail {
    /// Policy errors (already printed): exit 1.
    Policy,
    /// Usage or I/O error: printed here, exit 2.
    Usage(String),
}

impl From<std::io::Error> for Fail {
    fn from(e: std::io::Error) -> Fail {
        Fail::Usage(e.to_string())
    }
}

/// Compiles a policy file and prints its diagnostics; fails on errors.
pub fn load(path: &Path) -> Result<Output, Fail> {
    let out = seccomp_dsl::compile_file(path)
        .map_err(|e| Fail::Usage(format!("cannot read {}: {e}", path.display())))?;
    if !out.diagnostics.is_empty() {
        let mut err = anstream::stderr();
        let _ = write!(err, "{}", out.render_diagnostics(true));
    }
    if out.has_errors() {
        return Err(Fail::Policy);
    }
    Ok(out)
}

/// Reads a raw filter (or, for `scc disasm`, a policy): a regular file no larger than a
/// policy file may be (a raw filter is at most 32 KiB), never `/dev/zero` or a FIFO.
pub fn read_filter(path: &Path) -> Result<Vec<u8>, Fail> {
    seccomp_dsl::source::read_regular_file(
        path,
        seccomp_dsl::source::MAX_FILE_BYTES,
        "a policy or filter file",
    )
    .map_err(|e| Fail::Usage(format!("cannot read {}: {e}", path.display())))
}

/// The programs for `--arch` (or every target of the policy).
pub fn select(out: &Output, arch: Option<ArchArg>) -> Result<Vec<&seccomp_dsl::Program>, Fail> {
    match arch {
        None => Ok(out.programs.iter().collect()),
        Some(a) => {
            let a: Arch = a.into();
            out.program(a).map(|p| vec![p]).ok_or_else(|| {
                Fail::Usage(format!(
                    "the policy does not target {a} (see its `arch` statement)"
                ))
            })
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Compile(a) => compile::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Disasm(a) => compile::disasm(a),
        Command::Fmt(a) => fmt::run(a),
        Command::Run(a) => run::run(a),
        Command::Status(a) => run::status(a),
        Command::Trace(a) => match trace::run(a) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
        Command::Hook(a) => hook::hook(a),
        Command::OciRuntime(a) => hook::runtime(a),
        Command::Import(a) => oci::import(a),
        Command::Export(a) => oci::export(a),
        Command::Diff(a) => oci::diff(a),
        Command::Check(a) => check::run(a),
        Command::Explain { code } => explain(&code),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Policy) => ExitCode::from(1),
        Err(Fail::Usage(msg)) => {
            let _ = writeln!(anstream::stderr(), "scc: error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn explain(code: &str) -> Result<(), Fail> {
    let c = seccomp_dsl::Code::from_id(code)
        .ok_or_else(|| Fail::Usage(format!("unknown code `{code}`; codes look like S0101")))?;
    println!(
        "{} ({}, {})\n\n{}",
        c.id(),
        c.summary(),
        c.severity().as_str(),
        c.explanation()
    );
    Ok(())
}
