//! Finding and exec'ing a command the way `scc run` and `scc trace` need it: prepared
//! before the filter is installed, so that exec'ing allocates nothing. (Installing
//! filters, reading a process's status and user notification are `seccomp-rt`'s.)

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

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
        std::io::Error::last_os_error()
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
