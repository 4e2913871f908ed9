//! `scc trace -- CMD ARGS...`: run a command, record every syscall of every thread and
//! child process with seccomp user notification, write a policy.
//!
//! How it works. A helper thread installs a filter that answers every syscall with
//! `SECCOMP_RET_USER_NOTIF` (except `exit_group`, `rt_sigreturn` and `restart_syscall`,
//! which every policy allows and which must not be interrupted), gets the listener fd
//! (shared with the main thread: threads share the fd table), then forks with a raw
//! `clone` and the child execs the command. The filter is inherited by every thread and
//! process the command starts, so following them is automatic. The main thread, which has
//! no filter, receives each notification (`SECCOMP_IOCTL_NOTIF_RECV`), records
//! `seccomp_data` (arch, number, arguments) and answers `SECCOMP_USER_NOTIF_FLAG_CONTINUE`:
//! the kernel then runs the call as if there were no filter. No root and no ptrace needed.
//!
//! The helper thread makes only raw syscalls after installing the filter (each of them
//! waits for the main thread's answer, so it must hold no lock the main thread could
//! want) and ends with a raw `exit`. Calls of the helper and of the child before its
//! `execve` are answered but not recorded.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use clap::ValueEnum;
use seccomp_dsl::bpf::SockFilter;
use seccomp_dsl::{Action, Arch};
use seccomp_rt::{Filter, Listener};
use seccomp_scc::recording::{self as trace, ArgMode, Recording};

use crate::{Fail, exec, load};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ArgsMode {
    /// Syscalls only, no conditions.
    None,
    /// Enum-like arguments become conditions with constant names.
    Enums,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A policy in the seccomp-dsl language.
    Sc,
    /// The OCI runtime-spec `linux.seccomp` JSON object.
    Oci,
}

#[derive(clap::Args)]
pub struct Args {
    /// Write the policy here (default: standard output, after the command's output).
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Add the rules of a policy written by an earlier `scc trace` (repeatable; may be the
    /// output file itself).
    #[arg(long, value_name = "POLICY")]
    merge: Vec<PathBuf>,
    /// Which arguments become conditions.
    #[arg(long, value_enum, default_value_t = ArgsMode::Enums)]
    args: ArgsMode,
    /// The policy's default action, e.g. `kill`, `errno(ENOSYS)`, `log` (default: the merged
    /// policy's, else `kill`).
    #[arg(long, value_name = "ACTION")]
    default: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Sc)]
    format: Format,
    /// Print an `strace -c`-style table of the calls to standard error.
    #[arg(long)]
    summary: bool,
    /// The command and its arguments.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<OsString>,
}

/// What the helper thread tells the main thread, through atomics only (a channel or a
/// condition variable would make syscalls that wait for the main thread).
struct Shared {
    /// The helper's thread id, once known.
    helper: AtomicI32,
    /// The listener fd, or `-errno` if installing failed (`UNSET` before).
    listener: AtomicI32,
    /// The child's pid, or `-errno` if `clone` failed (`UNSET` before).
    child: AtomicI32,
}

const UNSET: i32 = i32::MIN;

/// The child signals sent to `scc` are forwarded to.
static CHILD: AtomicI32 = AtomicI32::new(0);

/// `SIGTERM`, `SIGHUP`, and `SIGINT`/`SIGQUIT` sent by a process (not typed at the
/// terminal, which sends them to the command too) go to the command.
extern "C" fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    let from_kernel = unsafe { (*info).si_code } > 0;
    let typed = from_kernel && matches!(sig, libc::SIGINT | libc::SIGQUIT);
    let pid = CHILD.load(Ordering::Relaxed);
    if pid > 0 && !typed {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, sig) };
    }
}

/// Forwards `SIGTERM`, `SIGHUP` and `SIGINT`/`SIGQUIT` sent by a process to `pid` (also
/// for `scc oci-runtime`, which waits for the runtime).
pub fn forward_signals(pid: i32) {
    CHILD.store(pid, Ordering::Relaxed);
    for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP] {
        handle(sig, forward);
    }
}

extern "C" fn nothing(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {}

type Handler = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);

/// Installs `handler` for `sig`, unless `sig` is ignored (as a shell ignores SIGINT in
/// background jobs): then it stays ignored, for us and for the command.
fn handle(sig: libc::c_int, handler: Handler) {
    // SAFETY: reading the current disposition into a zeroed sigaction; installing a
    // handler that only calls async-signal-safe functions, without SA_RESTART so that
    // `poll` returns on SIGCHLD.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old);
        if old.sa_sigaction == libc::SIG_IGN && sig != libc::SIGCHLD {
            return;
        }
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as usize;
        sa.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

/// The tracing filter: notify for everything but the calls every policy allows anyway
/// (`exit_group`, and `rt_sigreturn`/`restart_syscall`, which a signal arriving while
/// they wait for an answer would turn into `EINTR` where no program expects one).
fn tracing_filter(arch: Arch) -> Vec<SockFilter> {
    use seccomp_dsl::bpf::{BPF_JEQ, BPF_JMP, offset, ret};
    let nr = |n: &str| arch.syscall(n).expect("every arch has it").nr;
    let jeq = |k: u32, jt: u8, jf: u8| SockFilter::jump(BPF_JMP | BPF_JEQ, k, jt, jf);
    let [a, b, c] = trace::ESSENTIAL.map(nr);
    vec![
        SockFilter::load(offset::ARCH),
        jeq(arch.audit_arch(), 0, 4), // another ABI: notify
        SockFilter::load(offset::NR),
        jeq(a, 3, 0), // essentials: allow
        jeq(b, 2, 0),
        jeq(c, 1, 0),
        SockFilter::ret(ret::USER_NOTIF),
        SockFilter::ret(ret::ALLOW),
    ]
}

pub fn run(a: Args) -> Result<ExitCode, Fail> {
    let arch = Arch::native()
        .ok_or_else(|| Fail::Usage("this machine's architecture is not supported".into()))?;
    let mut old = Recording::default();
    for path in &a.merge {
        let out = load(path)?;
        let policy = out.policy.as_ref().expect("no errors, so a policy");
        let rec = trace::read_policy(policy, &out.sources)
            .map_err(|e| Fail::Usage(format!("cannot merge {}: {e}", path.display())))?;
        old.merge(&rec);
    }
    let default = a
        .default
        .clone()
        .or_else(|| old.default.clone())
        .unwrap_or_else(|| "kill".into());
    let default_action = parse_default(&default)?;
    let exec = match exec::Exec::new(&a.command) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "scc: error: {e}");
            return Ok(ExitCode::from(127));
        }
    };
    let mode = match a.args {
        ArgsMode::None => ArgMode::None,
        ArgsMode::Enums => ArgMode::Enums,
    };

    let traced = supervise(arch, exec, mode)?;
    if let Some(errno) = traced.exec_error {
        let _ = writeln!(
            anstream::stderr(),
            "scc: error: cannot execute {}: {}",
            a.command[0].to_string_lossy(),
            std::io::Error::from_raw_os_error(errno)
        );
        return Ok(ExitCode::from(if errno == libc::ENOENT {
            127
        } else {
            126
        }));
    }
    let mut rec = traced.recording;
    rec.commands.push(shell_words(&a.command));
    let mut all = old;
    all.merge(&rec);

    if a.summary {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{}", trace::summary(&rec));
        let _ = writeln!(err, "{} threads and processes traced", traced.tasks.len());
    }
    let text = match a.format {
        Format::Sc => trace::write_policy(&all, &default),
        Format::Oci => trace::write_oci(&all, default_action).map_err(Fail::Usage)?,
    };
    match &a.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Fail::Usage(format!("cannot write {}: {e}", path.display())))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(pass_through(traced.status))
}

/// Checks a `--default` action by compiling `default ACTION;`.
fn parse_default(text: &str) -> Result<Action, Fail> {
    let out = seccomp_dsl::compile_str("--default", &format!("default {text};"));
    match &out.policy {
        Some(p) if !out.has_errors() => Ok(p.arches[0].default),
        _ => Err(Fail::Usage(format!(
            "--default `{text}` is not an action (kill, kill_thread, trap, errno(ENOSYS), log, allow, ...)"
        ))),
    }
}

/// The command as a shell would read it back.
pub fn shell_words(cmd: &[OsString]) -> String {
    cmd.iter()
        .map(|w| {
            let w = w.to_string_lossy();
            let plain = !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
            if plain {
                w.into_owned()
            } else if w.chars().any(char::is_control) {
                // One line even with newlines in it (`$'...'`, as bash and zsh read it).
                let mut q = String::from("$'");
                for c in w.chars() {
                    match c {
                        '\n' => q.push_str("\\n"),
                        '\t' => q.push_str("\\t"),
                        '\'' => q.push_str("\\'"),
                        '\\' => q.push_str("\\\\"),
                        c if c.is_control() => q.push_str(&format!("\\x{:02x}", c as u32)),
                        c => q.push(c),
                    }
                }
                q.push('\'');
                q
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The exit status of the command, passed on as ours: its code, or the same signal.
fn pass_through(status: Option<libc::c_int>) -> ExitCode {
    let Some(st) = status else {
        return ExitCode::from(1);
    };
    if libc::WIFEXITED(st) {
        return ExitCode::from(libc::WEXITSTATUS(st) as u8);
    }
    if libc::WIFSIGNALED(st) {
        let sig = libc::WTERMSIG(st);
        let _ = std::io::stdout().flush();
        // SAFETY: plain calls with integer arguments and a valid rlimit; no core file for
        // a signal that was the command's, not ours.
        unsafe {
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
            libc::signal(sig, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, sig);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(sig);
        }
        return ExitCode::from(128 + sig as u8);
    }
    ExitCode::from(1)
}

/// The outcome of one traced run.
struct Traced {
    recording: Recording,
    /// The direct child's wait status.
    status: Option<libc::c_int>,
    /// `execve` of the command failed with this errno.
    exec_error: Option<i32>,
    /// Every thread and process that made a recorded call.
    tasks: BTreeSet<u32>,
}

/// Wrapper to move the prepared command to the helper thread.
struct SendExec(exec::Exec);

// SAFETY: `Exec`'s raw pointers point into heap buffers (`CString`s and `Vec`s) that it
// owns and never changes; moving it to another thread moves the owners with them.
unsafe impl Send for SendExec {}

fn supervise(arch: Arch, exec: exec::Exec, mode: ArgMode) -> Result<Traced, Fail> {
    let filter = Filter::new(tracing_filter(arch))
        .map_err(|e| Fail::Usage(format!("the tracing filter is invalid: {e}")))?;
    let shared = Arc::new(Shared {
        helper: AtomicI32::new(UNSET),
        listener: AtomicI32::new(UNSET),
        child: AtomicI32::new(UNSET),
    });
    // The child reports a failed execve through this pipe (closed on a successful exec).
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid array of two ints.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // SAFETY: pipe2 returned two new descriptors that nothing else owns.
    let (pipe_r, pipe_w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // Orphaned descendants come to us, so that we reap them (their filter reference goes
    // with them) and know when the last one is gone.
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong, 0, 0, 0) };

    // Before the fork: a SIGTERM meanwhile would otherwise end scc and leave the command
    // running without its supervisor.
    handle(libc::SIGCHLD, nothing);
    for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP] {
        handle(sig, forward);
    }
    let helper_shared = Arc::clone(&shared);
    let cmd = SendExec(exec);
    let pipe_fd = pipe_w.as_raw_fd();
    std::thread::Builder::new()
        .name("scc-trace-helper".into())
        .spawn(move || helper(&helper_shared, &filter, &cmd, pipe_fd))
        .map_err(|e| Fail::Usage(format!("cannot start a thread: {e}")))?;

    let listener = loop {
        match shared.listener.load(Ordering::SeqCst) {
            UNSET => std::thread::yield_now(),
            fd if fd < 0 => {
                return Err(Fail::Usage(format!(
                    "cannot install the tracing filter: {}",
                    std::io::Error::from_raw_os_error(-fd)
                )));
            }
            // SAFETY: the helper created this descriptor for us and never uses it.
            fd => break unsafe { OwnedFd::from_raw_fd(fd) },
        }
    };
    let listener =
        Listener::from_fd(listener).map_err(|e| Fail::Usage(format!("the listener: {e}")))?;
    // Our copy of the pipe's write end is closed once the child has its own.
    let mut pipe_w = Some(pipe_w);
    // One receiver serving one caller at a time: worth asking for (Linux 6.6+).
    let _ = listener.set_sync_wake_up(true);
    // Our own `poll` below waits (with a timeout, to reap children); `recv` only takes.
    listener
        .set_nonblocking(true)
        .map_err(|e| Fail::Usage(format!("the listener: {e}")))?;

    let execve = [arch.syscall("execve"), arch.syscall("execveat")].map(|s| s.map(|s| s.nr));
    let mut recording = Recording::default();
    let mut tasks = BTreeSet::new();
    let mut started = false;
    let mut status = None;
    let mut child = 0;
    loop {
        if child <= 0 {
            child = shared.child.load(Ordering::SeqCst);
            if child > 0 {
                CHILD.store(child, Ordering::Relaxed);
            }
            if child != UNSET {
                pipe_w = None;
            }
        }
        reap(child, &mut status);
        let mut pfd = libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, 1000) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Err(e.into());
        }
        if n == 0 {
            continue;
        }
        if pfd.revents & libc::POLLIN == 0 {
            if pfd.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
                // No task uses the filter any more: the command and everything it
                // started are gone.
                break;
            }
            continue;
        }
        let req = match listener.recv() {
            Ok(req) => req,
            // The caller died before we took it, or another wake-up: poll again.
            Err(seccomp_rt::Error::NotificationGone | seccomp_rt::Error::WouldBlock) => {
                continue;
            }
            Err(seccomp_rt::Error::NoTargets) => break,
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
            Err(e) => return Err(Fail::Usage(format!("receiving a traced call: {e}"))),
        };
        let from_helper = req.pid as i32 == shared.helper.load(Ordering::SeqCst);
        let nr = req.data.nr as u32;
        if !from_helper && !started && execve.contains(&Some(nr)) {
            started = true;
        }
        if started && !from_helper {
            recording.record(req.data.arch, nr, &req.data.args, mode);
            tasks.insert(req.pid);
        }
        // Recording, not deciding: the call runs as if there were no filter. (The
        // target died meanwhile: nothing to answer.)
        match listener.continue_(&req) {
            Ok(()) | Err(seccomp_rt::Error::NotificationGone) => {}
            Err(e) => return Err(Fail::Usage(format!("answering a traced call: {e}"))),
        }
    }
    while status.is_none() && child > 0 {
        // The filter is gone with every task that used it; the child is at most a zombie.
        let mut st = 0;
        // SAFETY: waiting for our own child with a valid status pointer.
        let r = unsafe { libc::waitpid(child, &mut st, 0) };
        if r == child {
            status = Some(st);
        } else if r < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            break;
        }
    }
    reap(child, &mut status);
    drop(pipe_w);
    let mut buf = [0u8; 4];
    // SAFETY: reading into a live 4-byte buffer; every writer is gone.
    let got = unsafe { libc::read(pipe_r.as_raw_fd(), buf.as_mut_ptr().cast(), 4) };
    let exec_error = (got == 4).then(|| i32::from_ne_bytes(buf));
    if shared.child.load(Ordering::SeqCst) < 0 && exec_error.is_none() {
        let e = -shared.child.load(Ordering::SeqCst);
        return Err(Fail::Usage(format!(
            "cannot start the command: {}",
            std::io::Error::from_raw_os_error(e)
        )));
    }
    Ok(Traced {
        recording,
        status,
        exec_error,
        tasks,
    })
}

/// Reaps every exited child (ours, and orphans that came to us as subreaper), keeping the
/// direct child's status.
fn reap(child: i32, status: &mut Option<libc::c_int>) {
    loop {
        let mut st = 0;
        // SAFETY: a valid status pointer; WNOHANG never blocks.
        let pid = unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG | libc::__WALL) };
        if pid <= 0 {
            return;
        }
        if pid == child {
            *status = Some(st);
        }
    }
}

/// The helper thread: installs the notifying filter, forks the command, exits. After
/// the filter is on, each syscall here waits for the main thread's answer, so only raw
/// syscalls that take no lock and allocate nothing.
fn helper(shared: &Shared, filter: &Filter, cmd: &SendExec, pipe_w: i32) {
    // SAFETY: blocking every signal in this thread only (the command gets an empty mask
    // before exec); gettid takes no arguments.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, std::ptr::null_mut());
        shared.helper.store(libc::gettid(), Ordering::SeqCst);
    }
    // `new_listener` makes no system call and allocates nothing once the filter is on
    // (seccomp-rt tests that). WAIT_KILLABLE_RECV (Linux 5.19+): once a call is taken,
    // only a fatal signal interrupts it; without it, a retry.
    let installed = filter
        .installer()
        .wait_killable_recv(true)
        .new_listener()
        .or_else(|_| filter.installer().new_listener());
    match installed {
        Ok(listener) => shared
            .listener
            .store(listener.into_fd().into_raw_fd(), Ordering::SeqCst),
        Err(e) => {
            shared
                .listener
                .store(-e.raw_os_error().unwrap_or(libc::EINVAL), Ordering::SeqCst);
            return;
        }
    }
    // A raw fork: no atfork handlers, no locks taken (glibc's fork() takes malloc's, and
    // would hold them while waiting for the main thread).
    // SAFETY: clone with SIGCHLD and no other flag is fork; the child only makes raw
    // syscalls on memory prepared before the fork, then execs or exits.
    let pid = unsafe { libc::syscall(libc::SYS_clone, libc::SIGCHLD as libc::c_ulong, 0, 0, 0, 0) };
    if pid == 0 {
        // SAFETY: in the child: an empty signal mask, default SIGPIPE (Rust ignores it
        // and ignoring survives exec), exec; on failure report the errno and leave
        // without running any of the parent's code.
        unsafe {
            let mut none: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut none);
            libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
            let errno = cmd.0.exec();
            libc::write(pipe_w, (&errno as *const i32).cast(), 4);
            libc::_exit(127);
        }
    }
    let pid = if pid < 0 {
        -std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EINVAL)
    } else {
        pid as i32
    };
    shared.child.store(pid, Ordering::SeqCst);
    // End this thread at once: glibc's and Rust's thread exit would free memory and take
    // locks while waiting for answers. Its stack is leaked, once.
    // SAFETY: SYS_exit ends only this thread and does not return.
    unsafe { libc::syscall(libc::SYS_exit, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracing_filter_notifies_all_but_the_essentials() {
        use seccomp_dsl::bpf::interp;
        for arch in Arch::ALL {
            let prog = tracing_filter(arch);
            seccomp_dsl::bpf::verify::verify(&prog).expect("a valid filter");
            let run = |audit: u32, name: &str| {
                let nr = arch.syscall(name).map_or(7, |s| s.nr);
                let d = seccomp_dsl::SeccompData::new(audit, nr, [0; 6]);
                Action::from_ret(interp::run(&prog, &d.to_bytes()).expect("runs").ret)
            };
            for name in trace::ESSENTIAL {
                assert_eq!(run(arch.audit_arch(), name), Action::Allow);
            }
            for name in ["read", "execve", "exit", "clone", "rt_sigaction"] {
                assert_eq!(run(arch.audit_arch(), name), Action::Notify);
            }
            // Another ABI's exit_group number is not ours: notify.
            assert_eq!(run(0x4000_0003, "exit_group"), Action::Notify);
        }
    }

    #[test]
    fn command_words_are_quoted_for_a_shell() {
        let w = |v: &[&str]| shell_words(&v.iter().map(OsString::from).collect::<Vec<_>>());
        assert_eq!(w(&["ls", "-la", "/"]), "ls -la /");
        assert_eq!(w(&["sh", "-c", "echo a | wc"]), "sh -c 'echo a | wc'");
        assert_eq!(w(&["echo", "it's"]), r"echo 'it'\''s'");
        assert_eq!(w(&["python3", "-c", "a\nb's"]), r"python3 -c $'a\nb\'s'");
    }
}
