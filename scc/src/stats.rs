//! `scc stats`.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use seccomp_dsl::stats;

use crate::{ArchArg, Fail, load, select};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    #[arg(long, value_enum)]
    arch: Option<ArchArg>,
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    format: Format,
    /// Highest syscall number of the mean path (the mean is over 0..=MAX, arguments 0).
    #[arg(long, default_value_t = *stats::DEFAULT_RANGE.end())]
    max_nr: u32,
}

pub fn run(a: Args) -> Result<(), Fail> {
    let out = load(&a.policy)?;
    let policy = out.policy.as_ref().expect("no errors, so a policy");
    let mut all = Vec::new();
    for p in select(&out, a.arch)? {
        let ap = policy.arch(p.arch).expect("a program per policy arch");
        all.push(stats::stats(ap, &p.insns, 0..=a.max_nr));
    }
    let mut stdout = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            let v = serde_json::to_string_pretty(&all).map_err(|e| Fail::Usage(e.to_string()))?;
            writeln!(stdout, "{v}")?;
        }
        Format::Text => {
            for s in &all {
                let pct = if s.allowed_unconditionally == 0 {
                    100.0
                } else {
                    100.0 * s.cacheable as f64 / s.allowed_unconditionally as f64
                };
                writeln!(stdout, "{} ({}):", a.policy.display(), s.arch)?;
                writeln!(stdout, "  instructions:  {}", s.instructions)?;
                writeln!(
                    stdout,
                    "  mean path:     {:.2} (syscalls {}..={}, arguments 0)",
                    s.mean_path, s.range.0, s.range.1
                )?;
                writeln!(
                    stdout,
                    "  worst path:    {} (longest path through the filter)",
                    s.worst_path
                )?;
                writeln!(
                    stdout,
                    "  kernel cache:  {} of {} unconditionally allowed syscalls ({pct:.0}%)",
                    s.cacheable, s.allowed_unconditionally
                )?;
            }
        }
    }
    Ok(())
}
