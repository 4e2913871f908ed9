//! `seccomp-notify-target SCENARIO HEX_FILTER [ARG]`: a target for the user-notification
//! tests that needs threads (which a forked child of the multithreaded test runner must
//! not start). It installs the filter (raw `sock_filter` records in hex) with a
//! listener, sends the listener over the Unix socket on descriptor 3, then runs the
//! scenario; the exit status (and for some scenarios standard output) reports.

use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use seccomp_rt::Filter;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, hex, rest @ ..] = &args[..] else {
        panic!("usage: seccomp-notify-target SCENARIO HEX_FILTER [ARG]");
    };
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    let filter = Filter::from_bytes(&bytes).expect("valid filter");
    // SAFETY: the test passes its end of a socket pair as descriptor 3, owned by nobody else.
    let mut control = unsafe { UnixStream::from_raw_fd(3) };
    // Prepared before the filter goes on: after it, an open would be notified.
    let arg = rest.first().cloned().unwrap_or_default();
    let listener = filter
        .installer()
        .new_listener()
        .expect("install with a listener");
    seccomp_rt::notify::send_fd(&control, &listener, b"L").expect("send the listener");
    drop(listener);
    let code = match scenario.as_str() {
        "threads" => threads(arg.parse().expect("thread count"), 1),
        "processes" => processes(&arg),
        "unmap" => unmap(&mut control),
        "toctou" => toctou(&arg),
        s => panic!("unknown scenario {s}"),
    };
    std::process::exit(code);
}

/// A raw syscall: the return value or `-errno`.
fn raw(nr: libc::c_long, a0: u64, a1: u64, a2: u64) -> i64 {
    // SAFETY: the scenarios pass null, integers, or pointers to live buffers.
    let r = unsafe { libc::syscall(nr, a0, a1, a2) };
    if r == -1 {
        -i64::from(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        r
    }
}

/// `n` threads each make `calls` notified `getppid(tag)` calls at once; the supervisor
/// answers `tag ^ 0x5a5a`. 0 if every answer was right.
fn threads(n: u64, calls: u64) -> i32 {
    let workers: Vec<_> = (0..n)
        .map(|t| {
            std::thread::spawn(move || {
                (0..calls).all(|j| {
                    let tag = (t << 32) | j;
                    raw(libc::SYS_getppid, tag, 0, 0) == (tag ^ 0x5a5a) as i64
                })
            })
        })
        .collect();
    let ok = workers.into_iter().all(|w| w.join().unwrap_or(false));
    if ok { 0 } else { 1 }
}

/// `ARG` = `PROCS,THREADS,CALLS`: forks `PROCS` processes (which inherit the filter), each
/// running `threads(THREADS, CALLS)`; 0 if every one succeeded.
fn processes(arg: &str) -> i32 {
    let v: Vec<u64> = arg.split(',').map(|x| x.parse().expect("number")).collect();
    let [procs, threads_per, calls] = v[..] else {
        panic!("PROCS,THREADS,CALLS")
    };
    let mut pids = Vec::new();
    for _ in 0..procs {
        // SAFETY: this process is single-threaded here, so the child may run any code.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork");
        if pid == 0 {
            std::process::exit(threads(threads_per, calls));
        }
        pids.push(pid);
    }
    let mut failed = 0;
    for pid in pids {
        let mut status = 0;
        // SAFETY: waiting for our own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
            failed += 1;
        }
    }
    failed
}

/// One thread calls `getppid(buf)` with a string in a page of its own; another unmaps the
/// page when the test says so (a byte on the socket), and acknowledges with a byte. 0 if
/// the call returned 7.
fn unmap(control: &mut UnixStream) -> i32 {
    // SAFETY: a fresh anonymous private page.
    let page = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(page, libc::MAP_FAILED);
    // SAFETY: the page is ours and 4096 bytes long.
    unsafe { page.cast::<u8>().copy_from(c"hello".as_ptr().cast(), 6) };
    let addr = page as u64;
    let caller = std::thread::spawn(move || raw(libc::SYS_getppid, addr, 0, 0));
    let mut go = [0u8];
    control.read_exact(&mut go).expect("the test's go");
    // SAFETY: unmapping the page mapped above; only the kernel (for the supervisor's
    // reads) uses its address now.
    assert_eq!(unsafe { libc::munmap(page, 4096) }, 0);
    control.write_all(b"u").expect("acknowledge");
    if caller.join().expect("join") == 7 {
        0
    } else {
        1
    }
}

/// The race the `continue` pattern loses. `ARG` = `DIR,ATTEMPTS,STOP_AT_FIRST`: one thread
/// flips the path `DIR/good/file` to `DIR/evil/file` and back as fast as it can, while
/// this one opens it (`openat`), up to ATTEMPTS times (or until the first read of
/// `DIR/evil/file`'s content, `SECRET`, if STOP_AT_FIRST is 1), reading what it opened.
/// Prints `good=G secret=S refused=R attempts=A`.
fn toctou(arg: &str) -> i32 {
    let mut parts = arg.split(',');
    let (dir, attempts, stop) = (
        parts.next().expect("DIR"),
        parts
            .next()
            .and_then(|a| a.parse::<u64>().ok())
            .expect("ATTEMPTS"),
        parts.next() == Some("1"),
    );
    let path = format!("{dir}/good/file\0");
    let flip_at = dir.len() + 1;
    let buf: &'static mut [u8] = Vec::leak(path.into_bytes());
    let addr = buf.as_mut_ptr() as usize;
    let stop_flip = Arc::new(AtomicBool::new(false));
    let flipper = {
        let stop_flip = Arc::clone(&stop_flip);
        std::thread::spawn(move || {
            let p = (addr + flip_at) as *mut [u8; 4];
            while !stop_flip.load(Ordering::Relaxed) {
                for name in [*b"evil", *b"good"] {
                    // SAFETY: `p` points into the leaked path buffer, which lives forever;
                    // no Rust code reads it (only the kernel, for the opener's calls).
                    unsafe { std::ptr::write_volatile(p, name) };
                    // Hold each name about as long as the other, so that a read at any
                    // moment sees either with even odds.
                    for _ in 0..64 {
                        std::hint::spin_loop();
                    }
                }
            }
        })
    };
    let (mut good, mut secret, mut refused, mut tries) = (0u64, 0u64, 0u64, 0u64);
    while tries < attempts {
        tries += 1;
        let fd = raw(
            libc::SYS_openat,
            libc::AT_FDCWD as u64,
            addr as u64,
            libc::O_RDONLY as u64,
        );
        if fd < 0 {
            refused += 1;
            continue;
        }
        let mut content = [0u8; 16];
        let n = raw(libc::SYS_read, fd as u64, content.as_mut_ptr() as u64, 16);
        raw(libc::SYS_close, fd as u64, 0, 0);
        match &content[..n.max(0) as usize] {
            b"SECRET" => secret += 1,
            b"ok" => good += 1,
            other => panic!("unexpected content {other:?}"),
        }
        if stop && secret > 0 {
            break;
        }
    }
    stop_flip.store(true, Ordering::Relaxed);
    flipper.join().expect("join the flipper");
    println!("good={good} secret={secret} refused={refused} attempts={tries}");
    0
}
