//! Path rules done right: a sandboxed child whose every `open` goes to its parent, which
//! opens the file itself, beneath an allowed directory, and hands it over.
//!
//! ```text
//! path_broker [--read DIR]... [--write DIR]... -- CMD ARGS...   # run CMD under the broker
//! path_broker                                                   # a demo in a temporary directory
//! ```
//!
//! The child's filter sends `open`, `openat`, `openat2` and `creat` to the parent
//! (`notify`). The parent reads the path once, from the child's memory; resolves a
//! relative one against the child's working directory or `dirfd`; picks the innermost
//! allowed directory it lies beneath; opens it there with `openat2(RESOLVE_BENEATH |
//! RESOLVE_NO_MAGICLINKS)`, so the kernel refuses `..` and symlinks that lead out; and
//! puts the open file into the child as the call's result (`SECCOMP_ADDFD_FLAG_SEND`).
//! The child never opens a file itself, so rewriting the path from another thread after
//! the check changes nothing. Each decision is logged on standard error.

use std::ffi::CString;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

use examples::{fork_supervised, wait};
use seccomp_rt::notify::open::{Access, Allowlist, OpenRequest};
use seccomp_rt::{AddFd, Call, Filter, Response, Supervisor, seccomp_policy};

/// Every way to open a file goes to the supervisor; what opens files without a system
/// call (`io_uring`) or by handle, or reaches into the supervisor, is refused.
static FILTER: Filter = seccomp_policy! {
    default allow;
    notify open, openat, openat2, creat;
    errno(ENOSYS) io_uring_setup, io_uring_enter, io_uring_register;
    errno(EPERM) open_by_handle_at, name_to_handle_at, ptrace, process_vm_readv, process_vm_writev;
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (rules, command, demo) = match args.iter().position(|a| a == "--") {
        Some(i) => (allowlist(&args[..i]), args[i + 1..].to_vec(), None),
        None if args.is_empty() => {
            let demo = Demo::create();
            (demo.allowlist(), Vec::new(), Some(demo))
        }
        None => usage(),
    };
    if demo.is_none() && command.is_empty() {
        usage();
    }
    // Prepared before the fork: the child only execs.
    let argv: Vec<CString> = command
        .iter()
        .map(|a| CString::new(a.as_bytes()).expect("no NUL in arguments"))
        .collect();

    let body = || match &demo {
        Some(d) => d.child(),
        None => exec(&argv),
    };
    // SAFETY: no thread has been started yet.
    let child = unsafe { fork_supervised(&FILTER, body) }.expect("start the sandboxed child");
    Supervisor::new(child.listener)
        .workers(2)
        .run(|call| decide(&rules, call))
        .expect("supervise");
    let status = wait(child.pid);
    drop(demo);
    std::process::exit(match (status.code(), status.signal()) {
        (Some(c), _) => c,
        (None, Some(s)) => 128 + s,
        _ => 1,
    });
}

/// The broker, with a log line per decision: what [`Allowlist::respond`] does.
fn decide(rules: &Allowlist, call: &Call<'_>) -> Response {
    let req = match OpenRequest::read(call) {
        Ok(Some(req)) => req,
        Ok(None) => return Response::Errno(libc::ENOSYS),
        Err(e) => {
            eprintln!(
                "broker: {:?}: cannot read the request: {e}",
                call.syscall_name()
            );
            return Response::Errno(e.raw_os_error().unwrap_or(libc::EACCES));
        }
    };
    let mode = if req.writes() { "write" } else { "read" };
    match rules.open(&req) {
        Ok(fd) => {
            eprintln!("broker: allow {mode} {}", req.path.display());
            Response::Fd {
                fd,
                flags: AddFd::new().cloexec(req.cloexec()),
            }
        }
        Err(denied) => {
            eprintln!("broker: deny  {mode} {}: {denied}", req.path.display());
            Response::Errno(denied.errno())
        }
    }
}

fn allowlist(args: &[String]) -> Allowlist {
    let mut rules = Allowlist::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let access = match flag.as_str() {
            "--read" => Access::Read,
            "--write" => Access::ReadWrite,
            _ => usage(),
        };
        let dir = it.next().unwrap_or_else(|| usage());
        rules = rules.allow(dir, access).unwrap_or_else(|e| {
            eprintln!("path_broker: {e}");
            std::process::exit(2)
        });
    }
    rules
}

fn usage() -> ! {
    eprintln!(
        "usage: path_broker [--read DIR]... [--write DIR]... -- CMD ARGS...\n       path_broker   (a demo)"
    );
    std::process::exit(2)
}

/// In the child: exec the command (looked up in `$PATH`); 127 if that fails.
fn exec(argv: &[CString]) -> i32 {
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    // SAFETY: a NULL-terminated array of NUL-terminated strings that outlive the call.
    unsafe { libc::execvp(ptrs[0], ptrs.as_ptr()) };
    eprintln!(
        "path_broker: cannot run {:?}: {}",
        argv[0],
        std::io::Error::last_os_error()
    );
    127
}

/// A temporary directory with an allowed tree, a secret beside it, and symlinks out.
struct Demo {
    root: PathBuf,
}

impl Demo {
    fn create() -> Demo {
        let root = std::env::temp_dir().join(format!("path-broker-demo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("allowed/notes")).expect("create the demo directory");
        std::fs::write(root.join("allowed/hello.txt"), "hello from an allowed file").unwrap();
        std::fs::write(root.join("secret.txt"), "the secret").unwrap();
        std::os::unix::fs::symlink("../secret.txt", root.join("allowed/escape")).unwrap();
        std::os::unix::fs::symlink(root.join("secret.txt"), root.join("allowed/absolute")).unwrap();
        Demo { root }
    }

    fn allowlist(&self) -> Allowlist {
        Allowlist::new()
            .allow(self.root.join("allowed"), Access::Read)
            .and_then(|r| r.allow(self.root.join("allowed/notes"), Access::ReadWrite))
            .expect("allow the demo directories")
    }

    /// In the child, under the filter: every open below goes to the broker.
    fn child(&self) -> i32 {
        let show = |what: &str, path: &Path, r: std::io::Result<String>| match r {
            Ok(s) => println!("child: {what} {} -> ok: {s}", path.display()),
            Err(e) => println!("child: {what} {} -> {e}", path.display()),
        };
        let a = self.root.join("allowed");
        for p in [
            a.join("hello.txt"),
            a.join("../secret.txt"),
            a.join("escape"),
            a.join("absolute"),
            self.root.join("secret.txt"),
        ] {
            show("read ", &p, std::fs::read_to_string(&p));
        }
        for p in [a.join("notes/todo.txt"), a.join("hello.txt")] {
            let r = std::fs::write(&p, "written by the child").map(|()| "written".to_owned());
            show("write", &p, r);
        }
        // Relative to the working directory, which the broker reads from /proc.
        std::env::set_current_dir(&a).expect("chdir");
        let rel = Path::new("notes/todo.txt");
        show("read ", rel, std::fs::read_to_string(rel));
        0
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
