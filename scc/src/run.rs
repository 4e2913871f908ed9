//! `scc run POLICY -- CMD ARGS...` and `scc status [PID]`.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use seccomp_dsl::{Arch, SeccompData};

use crate::{Fail, load, sys};

#[derive(clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    /// The command and its arguments (after `--` if they start with `-`).
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<OsString>,
}

/// Compiles the policy for this machine, installs it (NO_NEW_PRIVS, TSYNC) and execs the
/// command. Never execs without the filter: every failure before `execve` is an error.
pub fn run(a: Args) -> Result<(), Fail> {
    let out = load(&a.policy)?;
    let arch = Arch::native()
        .ok_or_else(|| Fail::Usage("this machine's architecture is not supported".into()))?;
    let program = out.program(arch).ok_or_else(|| {
        Fail::Usage(format!(
            "{} does not target {arch}, this machine's architecture",
            a.policy.display()
        ))
    })?;
    let exec = match sys::Exec::new(&a.command) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "scc: error: {e}");
            std::process::exit(127)
        }
    };
    // The filter is on before `execve`, so it must let this very call through.
    let policy = out.policy.as_ref().expect("no errors, so a policy");
    let ap = policy.arch(arch).expect("a program per policy arch");
    let execve = arch.syscall("execve").expect("every arch has execve");
    let verdict = seccomp_dsl::evaluate(
        ap,
        &SeccompData::new(arch.audit_arch(), execve.nr, exec.execve_args()),
    );
    if !verdict.action.permits() {
        return Err(Fail::Usage(format!(
            "{} does not allow `execve` (it gets `{}`): the filter is installed before the command starts, so add `allow execve;`",
            a.policy.display(),
            verdict.action
        )));
    }
    let filter = seccomp_rt::Filter::new(program.insns.clone())
        .map_err(|e| Fail::Usage(format!("the compiled filter is invalid: {e}")))?;
    sys::default_signal(libc::SIGPIPE);
    if let Err(e) = filter.installer().tsync(true).install() {
        return Err(Fail::Usage(format!(
            "cannot install the seccomp filter of {}: {e}; not running the command unsandboxed",
            a.policy.display()
        )));
    }
    let errno = exec.exec();
    let _ = writeln!(
        anstream::stderr(),
        "scc: error: cannot execute {}: {}",
        exec.path.to_string_lossy(),
        std::io::Error::from_raw_os_error(errno)
    );
    std::process::exit(if errno == libc::ENOENT { 127 } else { 126 })
}

#[derive(clap::Args)]
pub struct StatusArgs {
    /// The process (default: scc itself).
    pid: Option<u32>,
}

/// Prints a process's seccomp mode and filter count.
pub fn status(a: StatusArgs) -> Result<(), Fail> {
    let pid = a.pid.unwrap_or_else(std::process::id);
    let s = seccomp_rt::status_of(pid).map_err(|e| Fail::Usage(format!("process {pid}: {e}")))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "pid:          {pid}")?;
    writeln!(stdout, "mode:         {}", s.mode)?;
    match s.filters {
        Some(n) => writeln!(stdout, "filters:      {n}")?,
        None => writeln!(stdout, "filters:      unknown (Linux before 5.9)")?,
    }
    if let Some(nnp) = s.no_new_privs {
        writeln!(stdout, "no_new_privs: {}", u8::from(nnp))?;
    }
    Ok(())
}
