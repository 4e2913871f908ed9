//! A TCP echo server that locks itself down after initialising.
//!
//! It binds 127.0.0.1, starts its worker threads, and only then installs a tight policy
//! with TSYNC (so the workers are covered too). From then on it can accept, read, write
//! and close connections, and nothing else: a client that sends `exec` makes a worker try
//! `execve`, and the kernel kills the whole process.
//!
//! ```text
//! $ cargo run -p examples --bin server -- 7878 &
//! listening on 127.0.0.1:7878
//! $ printf 'hello\n' | nc -q1 127.0.0.1 7878
//! hello
//! ```

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Barrier};

use seccomp_rt::{Filter, seccomp_policy};

static FILTER: Filter = seccomp_policy! {
    default kill;
    // Accepting connections (std asks for close-on-exec descriptors) and talking on them.
    allow accept4(flags == SOCK_CLOEXEC);
    allow read, recvfrom, write, sendto, close;
    // `TcpStream::try_clone` duplicates the descriptor, close-on-exec; debug builds of std
    // check that a descriptor is open (F_GETFD) before closing it (found by `scc trace`).
    allow fcntl(cmd in {F_DUPFD_CLOEXEC, F_GETFD});
    allow shutdown(how in {SHUT_WR, SHUT_RDWR});
    // Threads waiting on each other; memory for buffers, never executable.
    allow futex, sched_yield, brk, munmap, mremap, madvise;
    allow mmap(prot & PROT_EXEC == 0), mprotect(prot & PROT_EXEC == 0);
    // Leaving: thread and process exit, signal return.
    allow exit, exit_group, rt_sigreturn, restart_syscall, sigaltstack, rt_sigprocmask;
};

const WORKERS: usize = 4;

fn serve(mut stream: TcpStream) {
    let reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    for line in reader.lines() {
        let Ok(line) = line else { return };
        match line.as_str() {
            "exec" => exec_shell(),
            "quit" => std::process::exit(0),
            _ => {
                if writeln!(stream, "{line}").is_err() {
                    return;
                }
            }
        }
    }
}

/// What an attacker who took over a worker would try first. The policy has no `execve`.
fn exec_shell() {
    let sh = c"/bin/sh";
    let argv = [sh.as_ptr(), std::ptr::null()];
    let envp = [std::ptr::null()];
    // SAFETY: NUL-terminated path, NULL-terminated argv and envp arrays that outlive the call.
    unsafe { libc::execve(sh.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
    eprintln!("execve returned: the sandbox did not stop it");
    std::process::exit(1);
}

fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = Arc::new(TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1"));
    let addr = listener.local_addr().expect("local address");
    // The workers must be fully started (stacks, guard pages, signal stacks) before the
    // filter goes on: the policy has no room for thread start-up.
    let ready = Arc::new(Barrier::new(WORKERS + 1));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let listener = Arc::clone(&listener);
            let ready = Arc::clone(&ready);
            std::thread::spawn(move || {
                ready.wait();
                while let Ok((stream, _)) = listener.accept() {
                    serve(stream);
                }
            })
        })
        .collect();

    ready.wait();
    // Initialisation is over: from here on, every thread runs under the policy.
    FILTER
        .installer()
        .tsync(true)
        .install()
        .expect("install the seccomp filter");
    println!("listening on {addr}");

    for w in workers {
        let _ = w.join();
    }
}
