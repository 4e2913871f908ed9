//! A supervisor inside a tokio event loop: the seccomp listener is a plain descriptor
//! (`AsRawFd`), so `tokio::io::unix::AsyncFd` wakes the task when a call waits, and a
//! non-blocking `recv` says `WouldBlock` when it does not. seccomp-rt depends on no
//! runtime; the same works with `mio` or a hand-written `poll` loop.
//!
//! The sandboxed child's threads call `getppid(n)`; the supervisor task answers `1000 + n`.
//! Between calls the task is parked in `readable().await`, so other tasks of the runtime
//! run.

use examples::{fork_supervised, getppid_with, wait};
use seccomp_rt::{Error, Filter, Listener, seccomp_policy};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

static FILTER: Filter = seccomp_policy! {
    default allow;
    notify getppid;
};

fn main() {
    // SAFETY: no thread has been started yet (the runtime comes after the fork).
    let child = unsafe {
        fork_supervised(&FILTER, || {
            let threads: Vec<_> = (0..4u64)
                .map(|t| {
                    std::thread::spawn(move || {
                        (0..3u64)
                            .filter(|i| getppid_with(t * 10 + i) == 1000 + (t * 10 + i) as i64)
                            .count()
                            == 3
                    })
                })
                .collect();
            let ok = threads.into_iter().all(|t| t.join().unwrap_or(false));
            println!("child: 12 calls from 4 threads, every answer right: {ok}");
            if ok { 0 } else { 1 }
        })
    }
    .expect("start the sandboxed child");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("a tokio runtime");
    let answered = runtime.block_on(supervise(child.listener));
    let status = wait(child.pid);
    println!(
        "tokio supervisor: answered {} calls",
        answered.expect("supervise")
    );
    std::process::exit(status.code().unwrap_or(1));
}

/// Receives and answers calls until no target is left; returns how many were answered.
async fn supervise(listener: Listener) -> Result<u64, Error> {
    listener.set_nonblocking(true)?;
    // SAFETY: the listener owns its descriptor and never replaces it, so it stays open and
    // the same for as long as the AsyncFd holds it. Readable is the interest: a call waits
    // (or no target is left, a hang-up).
    let fd = unsafe { AsyncFd::register_with_interest(listener, Interest::READABLE) }
        .map_err(|e| Error::Os(e.into()))?;
    let mut answered = 0;
    loop {
        let mut ready = fd.readable().await.map_err(Error::Os)?;
        // `try_io` clears the readiness when the closure says WouldBlock, so the next
        // `readable()` waits for the kernel again.
        let received = ready.try_io(|l| match l.get_ref().recv() {
            Err(Error::WouldBlock) => Err(std::io::ErrorKind::WouldBlock.into()),
            other => Ok(other),
        });
        match received {
            Err(_would_block) => continue,
            Ok(Err(io)) => return Err(Error::Os(io)),
            Ok(Ok(Ok(call))) => {
                let n = call.data.args[0] as i64;
                match fd.get_ref().respond_value(&call, 1000 + n) {
                    Ok(()) | Err(Error::NotificationGone) => answered += 1,
                    Err(e) => return Err(e),
                }
            }
            Ok(Ok(Err(Error::NoTargets))) => return Ok(answered),
            Ok(Ok(Err(e))) => return Err(e),
        }
    }
}
