//! `scc import`, `scc export` and `scc diff`: Docker/OCI JSON profiles in and out, and
//! the semantic difference of two policies. The work is in `seccomp_dsl::oci` and
//! `seccomp_dsl::diff`; this only reads and writes files.

use std::io::Write;
use std::path::{Path, PathBuf};

use seccomp_dsl::Arch;
use seccomp_dsl::oci::{self, Finding, ImportOptions};

use crate::{ArchArg, Fail};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The JSON profile (Docker, OCI `linux.seccomp`, containers/common).
    profile: PathBuf,
    /// The architecture to resolve the profile for (default: this machine's).
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
    /// The container's capabilities: `default` (Docker's), `all`, `none`, or a
    /// comma-separated list (`default,CAP_SYS_ADMIN`).
    #[arg(long, default_value = "default")]
    caps: String,
    /// The kernel version `minKernel` is compared with (default: the version the
    /// syscall tables come from).
    #[arg(long)]
    kernel: Option<String>,
    /// Add runc's ENOSYS stub for syscalls numbered above the highest one named.
    #[arg(long)]
    runc_enosys: bool,
    /// Write the policy to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

fn native_or(arch: Option<ArchArg>) -> Arch {
    arch.map(Into::into)
        .or_else(Arch::native)
        .unwrap_or(Arch::X86_64)
}

fn print_findings(file: &Path, findings: &[Finding]) {
    let mut err = anstream::stderr();
    for f in findings {
        let _ = writeln!(err, "{}: {f}", file.display());
    }
}

/// Import options from the command line.
fn options(
    profile: &Path,
    arch: Arch,
    caps: &str,
    kernel: Option<&str>,
) -> Result<ImportOptions, Fail> {
    let mut o = ImportOptions::new(arch);
    o.caps = oci::import::parse_caps(caps).map_err(Fail::Usage)?;
    o.caps_label = caps.to_owned();
    if let Some(k) = kernel {
        o.kernel = oci::import::parse_kernel(k).map_err(Fail::Usage)?;
    }
    o.source = profile
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(o)
}

pub fn import(a: ImportArgs) -> Result<(), Fail> {
    let json = std::fs::read_to_string(&a.profile)
        .map_err(|e| Fail::Usage(format!("cannot read {}: {e}", a.profile.display())))?;
    let mut o = options(&a.profile, native_or(a.arch), &a.caps, a.kernel.as_deref())?;
    o.runc_enosys = a.runc_enosys;
    let im = oci::import_str(&json, &o);
    print_findings(&a.profile, &im.findings);
    let Some(text) = im.text else {
        return Err(Fail::Policy);
    };
    match &a.output {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| Fail::Usage(format!("cannot write {}: {e}", p.display())))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}
