//! `scc run POLICY -- CMD ARGS...` and `scc status [PID]`.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use seccomp_dsl::{Arch, SeccompData};

use crate::{Fail, exec, load};

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
    let exec = match exec::Exec::new(&a.command) {
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
    exec::default_signal(libc::SIGPIPE);
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

#[cfg(test)]
mod tests {
    /// Set in the child process of [`tsync_failure_is_an_error_and_installs_nothing`].
    const TSYNC_CHILD: &str = "SCC_TEST_TSYNC_CHILD";

    /// `ret ALLOW`: a filter that changes nothing, so the test process lives on.
    static ALLOW_ALL: seccomp_rt::Filter =
        seccomp_rt::Filter::from_static(&[seccomp_rt::SockFilter::ret(0x7fff_0000)]);

    /// `Seccomp_filters:` of `/proc/TASK/status` (Linux 5.9+).
    fn filters(task: &str) -> u32 {
        std::fs::read_to_string(format!("/proc/{task}/status"))
            .expect("read /proc status")
            .lines()
            .find_map(|l| l.strip_prefix("Seccomp_filters:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("Seccomp_filters (Linux 5.9+)")
    }

    /// On the real kernel, with the installer `scc run` uses (seccomp-rt's): a thread
    /// that installed a filter of its own cannot be synchronised, `seccomp(TSYNC)` returns
    /// its id (a positive value) and installs nothing; that must be an error (scc's own
    /// installer once returned `Ok`, so `scc run` exec'd the command without any filter). Runs in a fresh child process (this test
    /// binary again), because installing filters is for life.
    #[test]
    fn tsync_failure_is_an_error_and_installs_nothing() {
        if std::env::var_os(TSYNC_CHILD).is_some() {
            return tsync_child();
        }
        let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "run::tests::tsync_failure_is_an_error_and_installs_nothing",
                "--test-threads=1",
                "--nocapture",
            ])
            .env(TSYNC_CHILD, "1")
            .output()
            .expect("run the child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("tsync child: ok"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn tsync_child() {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let other = std::thread::spawn(move || {
            ALLOW_ALL.install().expect("the thread's own filter");
            // SAFETY: gettid takes no arguments.
            ready_tx.send(unsafe { libc::gettid() }).expect("ready");
            done_rx.recv().expect("done");
            filters("thread-self")
        });
        let tid = ready_rx.recv().expect("ready");
        let err = ALLOW_ALL
            .installer()
            .tsync(true)
            .install()
            .expect_err("a thread with its own filter cannot be synchronised");
        assert!(
            matches!(err, seccomp_rt::Error::Tsync { tid: t, .. } if t == tid),
            "{err}"
        );
        assert_eq!(filters("thread-self"), 0, "nothing installed here");
        done_tx.send(()).expect("done");
        assert_eq!(
            other.join().expect("join"),
            1,
            "the other thread kept its own"
        );
        // With the conflicting thread gone, TSYNC succeeds and returns 0.
        ALLOW_ALL.installer().tsync(true).install().unwrap();
        assert_eq!(filters("thread-self"), 1);
        println!("tsync child: ok");
    }
}
