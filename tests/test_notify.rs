//! User notification on the real kernel: `seccomp_rt::Listener`, `Supervisor` and the path
//! broker (`seccomp_rt::notify::open`) against targets that really make the calls.
//!
//! Single-threaded targets are forked children of this (multithreaded) test runner: they
//! only make raw syscalls and allocate nothing. Targets with threads are the helper
//! `seccomp-notify-target` (`notify_target.rs`). Each target installs its filter with a
//! listener and sends the listener here over a Unix socket, as a sandboxed process sends
//! it to its supervisor.

mod common;
#[path = "notify_common.rs"]
mod notify_common;

use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use common::{Exit, filter, raw};
use notify_common::*;
use seccomp_rt::{AddFd, Error, Listener, Response, Supervisor};

#[test]
fn every_response_kind_reaches_the_target() {
    let f = filter("default allow; notify getppid, getpid;");
    let parent = std::process::id() as i64;
    let t = fork_target(&f, |_| {
        if getppid_with(0x1234, 0xdead_beef_0000_0001) != -i64::from(libc::EPERM) {
            return 1;
        }
        if raw(libc::SYS_getpid, [0; 6]) != 4242 {
            return 2;
        }
        // Continued: the kernel runs the real getppid.
        if getppid_with(0, 0) != parent {
            return 3;
        }
        // A negative value reads as an error to the caller, as a syscall's would.
        if raw(libc::SYS_getpid, [0; 6]) != -i64::from(libc::EACCES) {
            return 4;
        }
        0
    });
    let l = &t.listener;

    let n = l.recv().unwrap();
    assert_eq!(n.syscall_name(), Some("getppid"));
    assert_eq!(n.pid, t.pid as u32, "the caller's thread id");
    assert_eq!(n.data.args[..2], [0x1234, 0xdead_beef_0000_0001]);
    assert_eq!(Some(n.data.arch), seccomp_rt::syscalls::native_audit_arch());
    assert_ne!(n.data.instruction_pointer, 0);
    assert!(l.id_valid(&n).unwrap(), "pending until answered");
    assert!(
        matches!(l.respond_errno(&n, 0), Err(Error::Os(_))),
        "errno 0 is refused, not sent"
    );
    l.respond_errno(&n, libc::EPERM).unwrap();
    assert!(!l.id_valid(&n).unwrap(), "answered: no longer pending");
    assert!(l.respond_value(&n, 1).is_err(), "one answer per call");

    let n = l.recv().unwrap();
    assert_eq!(n.syscall_name(), Some("getpid"));
    l.respond_value(&n, 4242).unwrap();

    let n = l.recv().unwrap();
    l.continue_(&n).unwrap();

    let n = l.recv().unwrap();
    l.respond(&n, Response::Value(-i64::from(libc::EACCES)))
        .unwrap();

    assert_eq!(t.wait(), Exit::Code(0));
    assert!(matches!(l.recv(), Err(Error::NoTargets)));
}

/// `openat` answered with descriptors the supervisor made: added then answered, added
/// and answered at once (`SECCOMP_ADDFD_FLAG_SEND`), at a chosen number, with and
/// without close-on-exec.
#[test]
fn fd_injection_with_and_without_send() {
    let f = filter("default allow; notify openat;");
    static PATH: &[u8] = b"/nonexistent\0";
    let mut t = fork_target(&f, |s| {
        let open = || {
            raw(
                libc::SYS_openat,
                [libc::AT_FDCWD as u64, PATH.as_ptr() as u64, 0, 0, 0, 0],
            )
        };
        let content = |fd: i64| {
            let mut b = [0u8; 8];
            let n = raw(
                libc::SYS_read,
                [fd as u64, b.as_mut_ptr() as u64, 8, 0, 0, 0],
            );
            if n < 0 { n } else { i64::from_le_bytes(b) }
        };
        let cloexec = |fd: i64| {
            raw(
                libc::SYS_fcntl,
                [fd as u64, libc::F_GETFD as u64, 0, 0, 0, 0],
            )
        };
        let mut out = [0i64; 12];
        for slot in out.chunks_exact_mut(3) {
            let fd = open();
            slot[0] = fd;
            slot[1] = content(fd);
            slot[2] = cloexec(fd);
        }
        report(s, &out);
        0
    });
    let l = &t.listener;
    let word = |s: &[u8]| {
        let mut b = [0u8; 8];
        b[..s.len()].copy_from_slice(s);
        i64::from_le_bytes(b)
    };

    // Without SEND: add, then answer with the number. Two descriptors for one call.
    let n = l.recv().unwrap();
    let first = l
        .add_fd(&n, pipe_with(b"one").as_fd(), AddFd::new())
        .unwrap();
    let extra = l
        .add_fd(&n, pipe_with(b"extra").as_fd(), AddFd::new())
        .unwrap();
    assert_ne!(first, extra);
    l.respond_value(&n, i64::from(first)).unwrap();

    // With SEND: the call returns the new number, close-on-exec as asked.
    let n = l.recv().unwrap();
    let second = l
        .add_fd_and_respond(&n, pipe_with(b"two").as_fd(), AddFd::new().cloexec(true))
        .unwrap();
    assert!(!l.id_valid(&n).unwrap(), "SEND answered the call");

    // At a chosen number (SETFD), with SEND.
    let n = l.recv().unwrap();
    let at = l
        .add_fd_and_respond(&n, pipe_with(b"at100").as_fd(), AddFd::new().at(100))
        .unwrap();
    assert_eq!(at, 100);

    // Through `respond` (what a Supervisor handler returns).
    let n = l.recv().unwrap();
    l.respond(
        &n,
        Response::Fd {
            fd: pipe_with(b"four"),
            flags: AddFd::new(),
        },
    )
    .unwrap();

    let r = read_report(&mut t.ctl, 12);
    assert_eq!(t.wait(), Exit::Code(0));
    assert_eq!(r[0..3], [i64::from(first), word(b"one"), 0]);
    assert_eq!(
        r[3..6],
        [i64::from(second), word(b"two"), i64::from(libc::FD_CLOEXEC)]
    );
    assert_eq!(r[6..9], [100, word(b"at100"), 0]);
    assert!(r[9] >= 0, "{r:?}");
    assert_eq!(r[10..12], [word(b"four"), 0]);
}

/// A target killed while its call waits: every operation on the call says it is gone,
/// and receiving says no target is left.
#[test]
fn a_target_killed_while_its_call_waits() {
    let f = filter("default allow; notify getppid;");
    let t = fork_target(&f, |_| {
        getppid_with(0, 0);
        0
    });
    let l = &t.listener;
    let n = l.recv().unwrap();
    // SAFETY: killing our own child.
    unsafe { libc::kill(t.pid, libc::SIGKILL) };
    assert_eq!(t.wait(), Exit::Signal(libc::SIGKILL));
    assert!(!l.id_valid(&n).unwrap(), "id_valid after the target died");
    assert!(matches!(
        l.respond_value(&n, 1),
        Err(Error::NotificationGone)
    ));
    assert!(matches!(l.continue_(&n), Err(Error::NotificationGone)));
    let fd = pipe_with(b"x");
    assert!(matches!(
        l.add_fd(&n, fd.as_fd(), AddFd::new()),
        Err(Error::NotificationGone)
    ));
    assert!(matches!(
        l.read_memory(&n, n.data.instruction_pointer, &mut [0u8; 4]),
        Err(Error::NotificationGone)
    ));
    assert!(matches!(l.recv(), Err(Error::NoTargets)));
}

/// A call whose target dies before anyone receives it is skipped, not handed out.
#[test]
fn a_call_queued_by_a_target_that_died_is_skipped() {
    let f = filter("default allow; notify getppid;");
    let t = fork_target(&f, |_| {
        getppid_with(0, 0);
        0
    });
    wait_readable(&t.listener);
    // SAFETY: killing our own child.
    unsafe { libc::kill(t.pid, libc::SIGKILL) };
    assert_eq!(t.wait(), Exit::Signal(libc::SIGKILL));
    assert!(matches!(t.listener.recv(), Err(Error::NoTargets)));
}

/// When the supervisor goes away (the listener is closed), calls waiting for it, queued
/// or already received, and every later one fail with ENOSYS, as the kernel does.
#[test]
fn calls_fail_with_enosys_once_the_supervisor_exits() {
    let enosys = -i64::from(libc::ENOSYS);
    let f = filter("default allow; notify getppid, getpid;");

    // Queued, never received; then a call after the listener is gone.
    let Target {
        pid,
        listener,
        mut ctl,
    } = fork_target(&f, |s| {
        let queued = getppid_with(0, 0);
        let later = raw(libc::SYS_getpid, [0; 6]);
        report(s, &[queued, later]);
        0
    });
    wait_readable(&listener);
    drop(listener);
    assert_eq!(read_report(&mut ctl, 2), [enosys, enosys]);
    assert_eq!(common::wait(pid, Duration::from_secs(30)), Exit::Code(0));

    // Received, never answered.
    let Target {
        pid,
        listener,
        mut ctl,
    } = fork_target(&f, |s| {
        report(s, &[getppid_with(0, 0)]);
        0
    });
    let n = listener.recv().unwrap();
    assert_eq!(n.syscall_name(), Some("getppid"));
    drop(listener);
    assert_eq!(read_report(&mut ctl, 1), [enosys]);
    assert_eq!(common::wait(pid, Duration::from_secs(30)), Exit::Code(0));
}

/// Reading the target's memory: strings and bytes, a string that ends at the last byte
/// of a page before an unmapped one, one that runs into it, one too long.
#[test]
fn memory_reads_of_strings_and_unmapped_buffers() {
    let f = filter("default allow; notify getppid;");
    let t = fork_target(&f, |_| {
        // SAFETY: two fresh private pages; the second is unmapped at once.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                8192,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return 10;
        }
        let p = p.cast::<u8>();
        // SAFETY: writing inside the first page, unmapping the second.
        unsafe {
            libc::munmap(p.add(4096).cast(), 4096);
            p.copy_from(c"hello".as_ptr().cast(), 6);
            p.add(4092).copy_from(c"xyz".as_ptr().cast(), 4);
        }
        let base = p as u64;
        getppid_with(base, 0);
        getppid_with(base + 4092, 0);
        // SAFETY: inside the first page: now no NUL before the unmapped page.
        unsafe { p.add(4092).copy_from(b"abcd".as_ptr(), 4) };
        getppid_with(base + 4092, 0);
        // SAFETY: inside the first page: 4000 'a's, then NUL.
        unsafe {
            p.write_bytes(b'a', 4000);
            p.add(4000).write(0);
        }
        getppid_with(base, 0);
        0
    });
    let l = &t.listener;
    let efault = |e: Error| e.raw_os_error() == Some(libc::EFAULT);

    let n = l.recv().unwrap();
    let base = n.data.args[0];
    assert_eq!(l.read_cstr(&n, base, 100).unwrap().as_bytes(), b"hello");
    let mut six = [0u8; 6];
    assert_eq!(l.read_memory(&n, base, &mut six).unwrap(), 6);
    assert_eq!(&six, b"hello\0");
    l.respond_value(&n, 0).unwrap();

    let n = l.recv().unwrap();
    assert_eq!(
        l.read_cstr(&n, base + 4092, 100).unwrap().as_bytes(),
        b"xyz"
    );
    l.respond_value(&n, 0).unwrap();

    let n = l.recv().unwrap();
    assert!(efault(l.read_cstr(&n, base + 4092, 100).unwrap_err()));
    let mut eight = [0u8; 8];
    match l.read_memory(&n, base + 4092, &mut eight) {
        // A short read up to the unmapped page, or none at all.
        Ok(got) => assert_eq!((got, &eight[..4]), (4, &b"abcd"[..])),
        Err(e) => assert!(efault(e)),
    }
    assert!(efault(
        l.read_memory(&n, base + 4096, &mut eight).unwrap_err()
    ));
    l.respond_value(&n, 0).unwrap();

    let n = l.recv().unwrap();
    assert_eq!(
        l.read_cstr(&n, base, 100).unwrap_err().raw_os_error(),
        Some(libc::ENAMETOOLONG)
    );
    assert_eq!(l.read_cstr(&n, base, 4000).unwrap().as_bytes().len(), 4000);
    l.respond_value(&n, 0).unwrap();
    assert_eq!(t.wait(), Exit::Code(0));
}

/// `new_listener` makes no system call after the filter is on: a child whose filter kills
/// everything but `exit_group` gets its listener and exits normally.
#[test]
fn new_listener_makes_no_syscall_after_installing() {
    let f = filter("default kill; allow exit_group;");
    let exit = common::in_child_raw(|| match f.installer().new_listener() {
        Ok(l) => {
            std::mem::forget(l);
            0
        }
        Err(_) => 1,
    });
    assert_eq!(exit, Exit::Code(0));
}

#[test]
fn from_fd_refuses_what_is_not_a_listener() {
    let e = Listener::from_fd(pipe_with(b"")).unwrap_err();
    assert!(e.to_string().contains("not a seccomp listener"), "{e}");
}

/// Non-blocking mode for event loops: `WouldBlock` (also as an `io::Error`) until a call
/// waits, then the call, then `NoTargets`.
#[test]
fn non_blocking_receive() {
    let f = filter("default allow; notify getppid;");
    let mut t = fork_target(&f, |s| {
        wait_go(s);
        if getppid_with(7, 0) == 8 { 0 } else { 1 }
    });
    let l = &t.listener;
    l.set_nonblocking(true).unwrap();
    assert!(matches!(l.recv(), Err(Error::WouldBlock)));
    let io: std::io::Error = l.recv().unwrap_err().into();
    assert_eq!(io.kind(), std::io::ErrorKind::WouldBlock);
    t.go();
    let l = &t.listener;
    wait_readable(l);
    let n = l.recv().unwrap();
    l.respond_value(&n, n.data.args[0] as i64 + 1).unwrap();
    assert_eq!(t.wait(), Exit::Code(0));
    assert!(matches!(l.recv(), Err(Error::NoTargets)));
}

/// A panicking handler: its call fails with ENOSYS, the panic leaves `run`, the listener
/// closes, and the target's later calls fail with ENOSYS too.
#[test]
fn a_panicking_handler_fails_its_call_and_closes_the_listener() {
    let f = filter("default allow; notify getppid;");
    let Target {
        pid,
        listener,
        mut ctl,
    } = fork_target(&f, |s| {
        let a = getppid_with(0, 0);
        let b = getppid_with(0, 0);
        report(s, &[a, b]);
        0
    });
    let run =
        std::panic::catch_unwind(|| Supervisor::new(listener).run(|_| panic!("a handler bug")));
    assert!(run.is_err(), "the panic goes on");
    let enosys = -i64::from(libc::ENOSYS);
    assert_eq!(read_report(&mut ctl, 2), [enosys, enosys]);
    assert_eq!(common::wait(pid, Duration::from_secs(30)), Exit::Code(0));
}

/// Many threads of a target call at once, each call answered from its own arguments.
#[test]
fn many_threads_of_a_target_calling_at_once() {
    let mut h = helper("threads", "default allow; notify getppid;", "16");
    let tids = Mutex::new(std::collections::BTreeSet::new());
    Supervisor::new(h.listener())
        .workers(2)
        .run(|call| {
            tids.lock().unwrap().insert(call.pid());
            Response::Value((call.args()[0] ^ 0x5a5a) as i64)
        })
        .unwrap();
    assert_eq!(h.finish().0, Exit::Code(0));
    assert_eq!(tids.lock().unwrap().len(), 16, "one call per thread");
}

/// Several processes, each with several threads, served by one supervisor.
#[test]
fn many_targets_and_threads_at_once() {
    let mut h = helper("processes", "default allow; notify getppid;", "3,4,25");
    let tids = Mutex::new(std::collections::BTreeSet::new());
    let calls = std::sync::atomic::AtomicU64::new(0);
    Supervisor::new(h.listener())
        .workers(3)
        .run(|call| {
            tids.lock().unwrap().insert(call.pid());
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Response::Value((call.args()[0] ^ 0x5a5a) as i64)
        })
        .unwrap();
    assert_eq!(h.finish().0, Exit::Code(0));
    assert_eq!(calls.into_inner(), 3 * 4 * 25);
    assert_eq!(tids.lock().unwrap().len(), 12, "3 processes × 4 threads");
}

/// With `workers(4)`, four calls are handled at the same time: each handler waits until
/// all four are inside (at most 10 s), and answers 1 only if they all got there. Serial
/// handling would make the first wait in vain and answer 0.
#[test]
fn workers_handle_calls_concurrently() {
    let mut h = helper("threads", "default allow; notify getppid;", "4");
    let inside = Mutex::new(0u32);
    let all_in = Condvar::new();
    Supervisor::new(h.listener())
        .workers(4)
        .run(|call| {
            let mut n = inside.lock().unwrap();
            *n += 1;
            all_in.notify_all();
            let (n, timeout) = all_in
                .wait_timeout_while(n, Duration::from_secs(10), |n| *n < 4)
                .unwrap();
            drop(n);
            if timeout.timed_out() {
                Response::Value(0)
            } else {
                Response::Value((call.args()[0] ^ 0x5a5a) as i64)
            }
        })
        .unwrap();
    assert_eq!(
        h.finish().0,
        Exit::Code(0),
        "every call was answered while the others waited"
    );
}

/// The target unmaps the buffer while its call waits: the read that worked before now
/// fails with EFAULT, and the call is still answered.
#[test]
fn memory_read_after_the_target_unmapped_the_buffer() {
    let mut h = helper("unmap", "default allow; notify getppid;", "");
    let l = h.listener();
    let n = l.recv().unwrap();
    let addr = n.data.args[0];
    assert_eq!(l.read_cstr(&n, addr, 100).unwrap().as_bytes(), b"hello");
    h.ctl.write_all(b"g").unwrap();
    let mut ack = [0u8];
    h.ctl.read_exact(&mut ack).unwrap();
    assert_eq!(
        l.read_cstr(&n, addr, 100).unwrap_err().raw_os_error(),
        Some(libc::EFAULT)
    );
    assert_eq!(
        l.read_memory(&n, addr, &mut [0u8; 4])
            .unwrap_err()
            .raw_os_error(),
        Some(libc::EFAULT)
    );
    l.respond_value(&n, 7).unwrap();
    assert_eq!(h.finish().0, Exit::Code(0));
}

extern "C" fn ignore_signal(_: libc::c_int) {}

/// In a forked child: a do-nothing SIGUSR1 handler with `SA_RESTART`.
fn handle_sigusr1() {
    // SAFETY: a zeroed sigaction with a valid handler; no allocation.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = ignore_signal as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut());
    }
}

/// Whether `pid`'s shared pending signals include `sig`.
fn signal_pending(pid: libc::pid_t, sig: i32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let hex = status
        .lines()
        .find_map(|l| l.strip_prefix("ShdPnd:"))
        .expect("ShdPnd")
        .trim();
    u64::from_str_radix(hex, 16).unwrap() & (1 << (sig - 1)) != 0
}

/// A signal handler in the target abandons a received call (the answer finds it gone and
/// the call comes again, restarted), unless the filter was installed with
/// `wait_killable_recv`: then the signal waits until the call is answered.
#[test]
fn signals_interrupt_a_received_call_unless_wait_killable_recv() {
    let target = |_| {
        handle_sigusr1();
        if getppid_with(0, 0) == 5 { 0 } else { 1 }
    };

    let plain = filter("default allow; notify getppid;");
    let t = fork_target(&plain, target);
    let first = t.listener.recv().unwrap();
    // SAFETY: signalling our own child.
    unsafe { libc::kill(t.pid, libc::SIGUSR1) };
    // The handler runs, the call restarts and is notified afresh.
    wait_readable(&t.listener);
    assert!(!t.listener.id_valid(&first).unwrap());
    assert!(matches!(
        t.listener.respond_value(&first, 5),
        Err(Error::NotificationGone)
    ));
    let again = t.listener.recv().unwrap();
    assert_ne!(again.id, first.id);
    t.listener.respond_value(&again, 5).unwrap();
    assert_eq!(t.wait(), Exit::Code(0));

    let killable = filter("default allow; notify getppid;");
    let t = fork_target_with(killable.installer().wait_killable_recv(true), target);
    let n = t.listener.recv().unwrap();
    // SAFETY: signalling our own child.
    unsafe { libc::kill(t.pid, libc::SIGUSR1) };
    assert!(signal_pending(t.pid, libc::SIGUSR1), "the signal is sent");
    // Without the flag the handler would run and the call come again (as above, within
    // microseconds); give it half a second to show up.
    let mut pfd = libc::pollfd {
        fd: t.listener.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    assert_eq!(
        unsafe { libc::poll(&mut pfd, 1, 500) },
        0,
        "no restarted call"
    );
    assert!(
        signal_pending(t.pid, libc::SIGUSR1),
        "the signal still waits"
    );
    assert!(t.listener.id_valid(&n).unwrap(), "the call goes on");
    t.listener.respond_value(&n, 5).unwrap();
    assert_eq!(t.wait(), Exit::Code(0));
}
