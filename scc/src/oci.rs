//! `scc import`, `scc export` and `scc diff`: Docker/OCI JSON profiles in and out, and
//! the semantic difference of two policies. The work is in `seccomp_dsl::oci` and
//! `seccomp_dsl::diff`; this only reads and writes files.

use std::io::Write;
use std::path::{Path, PathBuf};

use seccomp_dsl::diag::Severity;
use seccomp_dsl::diff::Syscalls;
use seccomp_dsl::oci::{self, Finding, ImportOptions};
use seccomp_dsl::{Arch, Output};

use crate::{ArchArg, Fail, load};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The JSON profile (Docker, OCI `linux.seccomp`, containers/common).
    profile: PathBuf,
    /// The architecture to resolve the profile for (default: this machine's).
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
    #[command(flatten)]
    resolve: ResolveArgs,
    /// Add runc's ENOSYS stub for syscalls numbered above the highest one named.
    #[arg(long)]
    runc_enosys: bool,
    /// Write the policy to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

/// How a JSON profile's `includes`/`excludes` are resolved (`scc import` and `scc diff`).
#[derive(clap::Args)]
pub struct ResolveArgs {
    /// The container's capabilities: `default` (Docker's), `all`, `none`, or a
    /// comma-separated list (`default,CAP_SYS_ADMIN`).
    #[arg(long, default_value = "default")]
    caps: String,
    /// The kernel version `minKernel` is compared with (default: the version the
    /// syscall tables come from).
    #[arg(long)]
    kernel: Option<String>,
}

impl ResolveArgs {
    /// Docker's defaults: its capabilities, the tables' kernel.
    fn docker_default() -> ResolveArgs {
        ResolveArgs {
            caps: "default".to_owned(),
            kernel: None,
        }
    }
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
fn options(profile: &Path, arch: Arch, r: &ResolveArgs) -> Result<ImportOptions, Fail> {
    let mut o = ImportOptions::new(arch);
    o.caps = oci::import::parse_caps(&r.caps).map_err(Fail::Usage)?;
    o.caps_label = r.caps.clone();
    if let Some(k) = &r.kernel {
        o.kernel = oci::import::parse_kernel(k).map_err(Fail::Usage)?;
    }
    o.source = profile
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(o)
}

pub fn import(a: ImportArgs) -> Result<(), Fail> {
    let json = seccomp_dsl::source::read_policy_file(&a.profile)
        .map_err(|e| Fail::Usage(format!("cannot read {}: {e}", a.profile.display())))?;
    let mut o = options(&a.profile, native_or(a.arch), &a.resolve)?;
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
/// A policy file or a JSON profile, compiled for `arch`.
pub fn load_any(path: &Path, arch: Arch, r: &ResolveArgs) -> Result<Output, Fail> {
    let is_json = path.extension().is_some_and(|e| e == "json");
    if !is_json {
        return load(path);
    }
    let json = seccomp_dsl::source::read_policy_file(path)
        .map_err(|e| Fail::Usage(format!("cannot read {}: {e}", path.display())))?;
    let o = options(path, arch, r)?;
    let im = oci::import_str(&json, &o);
    let errors: Vec<Finding> = im
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .cloned()
        .collect();
    print_findings(path, &errors);
    let text = im.text.ok_or(Fail::Policy)?;
    let out = seccomp_dsl::compile_str(&path.display().to_string(), &text);
    if out.has_errors() {
        let _ = write!(anstream::stderr(), "{}", out.render_diagnostics(true));
        return Err(Fail::Policy);
    }
    Ok(out)
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// The OCI runtime spec's `linux.seccomp` object (runc, crun, Podman, containerd).
    Oci,
    /// A Docker profile (`--security-opt seccomp=FILE`), with a comment per rule.
    Docker,
    /// A Security Profiles Operator `SeccompProfile` (YAML).
    Spo,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The policy file (or a JSON profile, imported first).
    policy: PathBuf,
    #[arg(long, short = 'f', value_enum, default_value = "oci")]
    format: ExportFormat,
    /// The architecture to export (default: the policy's only one; with several, every
    /// one for `--format docker`, else this machine's).
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
    /// `metadata.name` of a SeccompProfile (default: the file name).
    #[arg(long)]
    name: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

pub fn export(a: ExportArgs) -> Result<(), Fail> {
    let out = load_any(&a.policy, native_or(a.arch), &ResolveArgs::docker_default())?;
    let policy = out.policy.as_ref().expect("no errors, so a policy");
    if a.arch.is_none() && matches!(a.format, ExportFormat::Docker) && policy.arches.len() > 1 {
        // One Docker profile for every architecture (archMap, includes.arches).
        let opts = oci::ExportOptions {
            format: oci::Format::Docker,
            name: String::new(),
        };
        let exported = oci::export_docker_multi(policy, &opts).map_err(|errors| {
            print_findings(&a.policy, &errors);
            Fail::Policy
        })?;
        print_findings(&a.policy, &exported.findings);
        return write_out(a.output.as_deref(), &exported.text);
    }
    let arch = match (a.arch, policy.arches.as_slice()) {
        (Some(x), _) => x.into(),
        (None, [only]) => only.arch,
        (None, _) => native_or(None),
    };
    let ap = policy.arch(arch).ok_or_else(|| {
        Fail::Usage(format!(
            "the policy does not target {arch} (see its `arch` statement)"
        ))
    })?;
    let name = a.name.clone().unwrap_or_else(|| {
        a.policy
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase().replace(['_', ' '], "-"))
            .unwrap_or_else(|| "profile".into())
    });
    let opts = oci::ExportOptions {
        format: match a.format {
            ExportFormat::Oci => oci::Format::Oci,
            ExportFormat::Docker => oci::Format::Docker,
            ExportFormat::Spo => oci::Format::Spo,
        },
        name,
    };
    let exported = match oci::export(ap, &opts) {
        Ok(e) => e,
        Err(errors) => {
            print_findings(&a.policy, &errors);
            return Err(Fail::Policy);
        }
    };
    print_findings(&a.policy, &exported.findings);
    write_out(a.output.as_deref(), &exported.text)
}

fn write_out(path: Option<&Path>, text: &str) -> Result<(), Fail> {
    match path {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| Fail::Usage(format!("cannot write {}: {e}", p.display())))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// Two policies (policy files or JSON profiles): A and B; or, with `--subset-of`, the
    /// policy to check.
    #[arg(required = true, num_args = 1..=2)]
    files: Vec<PathBuf>,
    /// Fail (exit 1) when POLICY lets through (allow, log) any call BASELINE does not;
    /// lists those calls.
    #[arg(long, value_name = "BASELINE")]
    subset_of: Option<PathBuf>,
    /// Compare this architecture only (default: every one both policies target).
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
    // How JSON profiles are resolved, as in `scc import`.
    #[command(flatten)]
    resolve: ResolveArgs,
}

pub fn diff(a: DiffArgs) -> Result<(), Fail> {
    let (left, right) = match (&a.subset_of, a.files.as_slice()) {
        (Some(base), [policy]) => (base.clone(), policy.clone()),
        (None, [x, y]) => (x.clone(), y.clone()),
        (Some(_), _) => {
            return Err(Fail::Usage(
                "`--subset-of BASELINE` takes one policy to check".into(),
            ));
        }
        (None, _) => return Err(Fail::Usage("`scc diff` compares two policies".into())),
    };
    let arches: Vec<Arch> = match a.arch {
        Some(x) => vec![x.into()],
        None => Arch::ALL.to_vec(),
    };
    let mut all = Vec::new();
    for arch in arches {
        let l = load_any(&left, arch, &a.resolve)?;
        let r = load_any(&right, arch, &a.resolve)?;
        let (Some(lp), Some(rp)) = (
            l.policy.as_ref().and_then(|p| p.arch(arch)),
            r.policy.as_ref().and_then(|p| p.arch(arch)),
        ) else {
            if a.arch.is_some() {
                return Err(Fail::Usage(format!("both policies must target {arch}")));
            }
            continue;
        };
        let changes = match &a.subset_of {
            Some(_) => seccomp_dsl::diff::not_subset(lp, rp),
            None => seccomp_dsl::diff::diff(lp, rp),
        }
        .map_err(|e| Fail::Usage(e.to_string()))?;
        all.push((arch, changes));
    }
    if all.is_empty() {
        return Err(Fail::Usage(
            "the policies have no architecture in common".into(),
        ));
    }
    let mut out = std::io::stdout().lock();
    let (mut syscalls, mut unnamed) = (0, 0);
    for (arch, changes) in &all {
        if changes.is_empty() {
            continue;
        }
        writeln!(out, "--- {} ({arch})", left.display())?;
        writeln!(out, "+++ {} ({arch})", right.display())?;
        for c in changes {
            for line in c.lines() {
                writeln!(out, "{line}")?;
            }
        }
        let mut targets: Vec<Syscalls> = changes.iter().map(|c| c.syscalls).collect();
        targets.dedup();
        syscalls += targets
            .iter()
            .filter(|t| matches!(t, Syscalls::Named(_)))
            .count();
        unnamed += targets
            .iter()
            .filter(|t| matches!(t, Syscalls::Unnamed { .. }))
            .count();
    }
    if syscalls + unnamed == 0 {
        return Ok(());
    }
    let what = if a.subset_of.is_some() {
        "let through calls the baseline does not"
    } else {
        "differ"
    };
    let ranges = match unnamed {
        0 => String::new(),
        1 => " and 1 range of numbers the tables do not name".to_owned(),
        n => format!(" and {n} ranges of numbers the tables do not name"),
    };
    let _ = writeln!(
        anstream::stderr(),
        "scc: {syscalls} syscall{}{ranges} {what}",
        if syscalls == 1 { "" } else { "s" }
    );
    Err(Fail::Policy)
}
