//! `scc compile` and `scc disasm`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;
use seccomp_dsl::Arch;
use seccomp_dsl::annotate;
use seccomp_dsl::bpf::{self, format};

use crate::{ArchArg, Fail, load, select};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// 8-byte `struct sock_filter` records, little-endian (as `seccomp_export_bpf`).
    Raw,
    /// The raw records as one line of hex.
    Hex,
    /// C arrays of `struct sock_filter`.
    C,
    /// A Rust `static FILTER: seccomp_rt::Filter` per target architecture.
    Rust,
    /// JSON: instructions per architecture.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    /// Compile for this architecture only (required for raw and hex when the policy has
    /// several; defaults to this machine's then).
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
    #[arg(long, short = 'f', value_enum, default_value = "hex")]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<(), Fail> {
    let out = load(&a.policy)?;
    let single = matches!(a.format, Format::Raw | Format::Hex);
    let arch = match (a.arch, single) {
        (None, true) if out.programs.len() > 1 => {
            let native = Arch::native()
                .ok_or_else(|| Fail::Usage("choose an architecture with --arch".into()))?;
            Some(match native {
                Arch::X86_64 => ArchArg::X86_64,
                Arch::Aarch64 => ArchArg::Aarch64,
            })
        }
        (a, _) => a,
    };
    let progs = select(&out, arch)?;
    let source = a.policy.display().to_string();
    let named: Vec<format::Named<'_>> = progs
        .iter()
        .map(|p| format::Named {
            name: p.arch.name(),
            target_arch: p.arch.name(),
            c_macro: p.arch.c_macro(),
            insns: &p.insns,
        })
        .collect();
    let bytes: Vec<u8> = match a.format {
        Format::Raw => bpf::to_bytes(named[0].insns),
        Format::Hex => format!("{}\n", format::hex(named[0].insns)).into_bytes(),
        Format::C => format::c(&named, &source).into_bytes(),
        Format::Rust => format::rust(&named, &source).into_bytes(),
        Format::Json => format::json(&named).into_bytes(),
    };
    match &a.output {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|e| Fail::Usage(format!("cannot write {}: {e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            if matches!(a.format, Format::Raw) && stdout.is_terminal() {
                return Err(Fail::Usage(
                    "refusing to write binary BPF to a terminal; use -o FILE or --format hex"
                        .into(),
                ));
            }
            stdout.write_all(&bytes)?;
            Ok(())
        }
    }
}

#[derive(clap::Args)]
pub struct DisasmArgs {
    /// A policy file, or a raw `.bpf` file of `struct sock_filter` records.
    input: PathBuf,
    /// The architecture (for a raw file: how to name syscalls; default: this machine's).
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
}

pub fn disasm(a: DisasmArgs) -> Result<(), Fail> {
    let bytes = crate::read_filter(&a.input)?;
    let is_bpf =
        a.input.extension().is_some_and(|e| e == "bpf") || std::str::from_utf8(&bytes).is_err();
    let mut stdout = std::io::stdout().lock();
    if is_bpf {
        let insns = bpf::from_bytes(&bytes)
            .ok_or_else(|| Fail::Usage("a raw filter is a multiple of 8 bytes".into()))?;
        let arch: Arch = a
            .arch
            .map(Into::into)
            .or_else(Arch::native)
            .unwrap_or(Arch::X86_64);
        write!(stdout, "{}", annotate::disasm(&insns, arch))?;
        return Ok(());
    }
    let out = load(&a.input)?;
    for p in select(&out, a.arch)? {
        writeln!(
            stdout,
            "; {} for {} ({} instructions)",
            a.input.display(),
            p.arch,
            p.len()
        )?;
        write!(stdout, "{}", annotate::disasm(&p.insns, p.arch))?;
    }
    Ok(())
}
