//! The few system calls `scc run`, `scc status` and `scc trace` make: installing a filter,
//! reading a process's seccomp status, finding and exec'ing a command.
//!
//! (`seccomp-rt` has an installer and `status()`, but it depends on `seccomp-macros`,
//! which depends on this crate: using it here would be a dependency cycle.)

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Sets `PR_SET_NO_NEW_PRIVS` and installs `insns` with `flags`; returns what
/// `seccomp(2)` returned (the listener fd with `SECCOMP_FILTER_FLAG_NEW_LISTENER`).
///
/// Fails closed on TSYNC: without `NEW_LISTENER`, `seccomp(2)` reports a thread it could
/// not synchronise (one with a filter of its own) by returning that thread's id, a
/// *positive* value, and installs nothing, on any thread; that is an error here.
///
/// Allocates nothing, except to describe that TSYNC failure: safe to call between a raw
/// `clone` and `execve` without TSYNC.
pub fn install(insns: &[libc::sock_filter], flags: libc::c_ulong) -> io::Result<libc::c_long> {
    // SAFETY: prctl with integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let prog = libc::sock_fprog {
        len: insns.len() as libc::c_ushort,
        filter: insns.as_ptr().cast_mut(),
    };
    // SAFETY: `prog` points to `insns.len()` valid instructions that outlive the call; the
    // kernel copies the program.
    let r = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER as libc::c_ulong,
            flags,
            &prog as *const libc::sock_fprog,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    if r > 0
        && flags & libc::SECCOMP_FILTER_FLAG_TSYNC != 0
        && flags & libc::SECCOMP_FILTER_FLAG_NEW_LISTENER == 0
    {
        return Err(io::Error::other(format!(
            "thread {r} of this process could not be synchronised (TSYNC: it has a seccomp filter of its own), so no filter was installed"
        )));
    }
    Ok(r)
}

/// Finds a command like `execvp` does: a name with a `/` is a path, others are looked up
/// in `$PATH`.
pub fn find_program(name: &OsStr) -> Option<PathBuf> {
    if name.as_bytes().contains(&b'/') {
        return Some(PathBuf::from(name));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    let Ok(c) = CString::new(p.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a NUL-terminated path.
    p.is_file() && unsafe { libc::access(c.as_ptr(), libc::X_OK) } == 0
}

/// A command ready for `execve`: every string and pointer array built beforehand, so that
/// exec'ing allocates nothing.
pub struct Exec {
    pub path: CString,
    _args: Vec<CString>,
    _env: Vec<CString>,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
}

impl Exec {
    /// `command[0]` is looked up in `$PATH`; the environment is this process's.
    pub fn new(command: &[OsString]) -> Result<Exec, String> {
        let name = command.first().ok_or("no command given")?;
        let path = find_program(name)
            .ok_or_else(|| format!("{}: command not found", name.to_string_lossy()))?;
        let cstr =
            |s: &[u8]| CString::new(s).map_err(|_| "an argument contains a NUL byte".to_string());
        let path = cstr(path.as_os_str().as_bytes())?;
        let args = command
            .iter()
            .map(|a| cstr(a.as_bytes()))
            .collect::<Result<Vec<_>, _>>()?;
        let env = std::env::vars_os()
            .map(|(k, v)| {
                let mut kv = k.as_bytes().to_vec();
                kv.push(b'=');
                kv.extend_from_slice(v.as_bytes());
                cstr(&kv)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let argv = args
            .iter()
            .map(|a| a.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        let envp = env
            .iter()
            .map(|a| a.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        Ok(Exec {
            path,
            _args: args,
            _env: env,
            argv,
            envp,
        })
    }

    /// The six argument registers of the `execve` this will make.
    pub fn execve_args(&self) -> [u64; 6] {
        [
            self.path.as_ptr() as u64,
            self.argv.as_ptr() as u64,
            self.envp.as_ptr() as u64,
            0,
            0,
            0,
        ]
    }

    /// `execve`; returns only on failure, with the errno. Allocates nothing.
    pub fn exec(&self) -> i32 {
        // SAFETY: NUL-terminated path, NULL-terminated argv and envp arrays of
        // NUL-terminated strings, all owned by `self`.
        unsafe { libc::execve(self.path.as_ptr(), self.argv.as_ptr(), self.envp.as_ptr()) };
        io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EINVAL)
    }
}

/// Puts a signal's disposition back to the default (Rust ignores `SIGPIPE`, and an ignored
/// signal stays ignored across `execve`).
pub fn default_signal(sig: libc::c_int) {
    // SAFETY: setting a standard disposition, no handler.
    unsafe { libc::signal(sig, libc::SIG_DFL) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set in the child process of [`tsync_failure_is_an_error_and_installs_nothing`].
    const TSYNC_CHILD: &str = "SCC_TEST_TSYNC_CHILD";

    /// `ret ALLOW`: a filter that changes nothing, so the test process lives on.
    const ALLOW_ALL: [libc::sock_filter; 1] = [libc::sock_filter {
        code: 0x06,
        jt: 0,
        jf: 0,
        k: 0x7fff_0000,
    }];

    /// `Seccomp_filters:` of `/proc/TASK/status` (Linux 5.9+).
    fn filters(task: &str) -> u32 {
        std::fs::read_to_string(format!("/proc/{task}/status"))
            .expect("read /proc status")
            .lines()
            .find_map(|l| l.strip_prefix("Seccomp_filters:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("Seccomp_filters (Linux 5.9+)")
    }

    /// On the real kernel: a thread that installed a filter of its own cannot be
    /// synchronised, `seccomp(TSYNC)` returns its id (a positive value) and installs
    /// nothing; `install` must call that an error (it used to return `Ok`, so `scc run`
    /// exec'd the command without any filter). Runs in a fresh child process (this test
    /// binary again), because installing filters is for life.
    #[test]
    fn tsync_failure_is_an_error_and_installs_nothing() {
        if std::env::var_os(TSYNC_CHILD).is_some() {
            return tsync_child();
        }
        let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "sys::tests::tsync_failure_is_an_error_and_installs_nothing",
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
            install(&ALLOW_ALL, 0).expect("the thread's own filter");
            // SAFETY: gettid takes no arguments.
            ready_tx.send(unsafe { libc::gettid() }).expect("ready");
            done_rx.recv().expect("done");
            filters("thread-self")
        });
        let tid = ready_rx.recv().expect("ready");
        let err = install(&ALLOW_ALL, libc::SECCOMP_FILTER_FLAG_TSYNC)
            .expect_err("a thread with its own filter cannot be synchronised");
        assert!(
            err.to_string().contains(&format!(
                "thread {tid} of this process could not be synchronised"
            )),
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
        assert_eq!(
            install(&ALLOW_ALL, libc::SECCOMP_FILTER_FLAG_TSYNC).unwrap(),
            0
        );
        assert_eq!(filters("thread-self"), 1);
        println!("tsync child: ok");
    }
}
