//! The receive-decide-answer loop, on a pool of threads.

use std::ffi::CString;
use std::os::fd::{BorrowedFd, RawFd};

use super::{AddFd, Listener, Notification, Response};
use crate::Error;

/// Serves a listener: receives every call and answers it with what a handler returns,
/// until no target is left. Many targets (processes and threads) can wait at once; with
/// [`workers`](Self::workers) `n`, up to `n` calls are handled at the same time, so a
/// slow answer (a file on a network disk) does not hold up the others.
#[derive(Debug)]
pub struct Supervisor {
    listener: Listener,
    workers: usize,
}

impl Supervisor {
    /// A supervisor with one worker (the thread that calls [`run`](Self::run)).
    pub fn new(listener: Listener) -> Supervisor {
        Supervisor {
            listener,
            workers: 1,
        }
    }

    /// How many threads receive and handle calls (at least 1; `run`'s own thread is one).
    pub fn workers(mut self, n: usize) -> Supervisor {
        self.workers = n.max(1);
        self
    }

    /// The listener, e.g. to [`set_sync_wake_up`](Listener::set_sync_wake_up).
    pub fn listener(&self) -> &Listener {
        &self.listener
    }

    /// Runs the loop: each call is given to `handler`, whose [`Response`] answers it.
    /// Returns `Ok` when every target has exited, or the first error receiving failed
    /// with. A call whose target dies while it is handled is dropped quietly; a response
    /// that cannot be delivered fails the call with `ENOSYS` (or, for [`Response::Fd`],
    /// the injection's errno).
    ///
    /// If `handler` panics, its call fails with `ENOSYS` and the panic goes on: with one
    /// worker out of `run` at once (the listener closes, so every later call of the
    /// targets fails with `ENOSYS`, as the kernel does without a supervisor); with more,
    /// once the others stop, when no target is left.
    pub fn run<F>(self, handler: F) -> Result<(), Error>
    where
        F: Fn(&Call<'_>) -> Response + Sync,
    {
        let listener = &self.listener;
        // Waiting in the kernel's RECV needs a blocking listener.
        listener.set_nonblocking(false)?;
        if self.workers == 1 {
            return serve(listener, &handler);
        }
        std::thread::scope(|s| {
            let others: Vec<_> = (1..self.workers)
                .map(|_| s.spawn(|| serve(listener, &handler)))
                .collect();
            let mine = serve(listener, &handler);
            let mut result = mine;
            for t in others {
                let theirs = t.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                if result.is_ok() {
                    result = theirs;
                }
            }
            result
        })
    }
}

/// One worker's loop.
fn serve<F>(listener: &Listener, handler: &F) -> Result<(), Error>
where
    F: Fn(&Call<'_>) -> Response,
{
    loop {
        let notification = match listener.recv() {
            Ok(n) => n,
            Err(Error::NoTargets) => return Ok(()),
            Err(Error::Os(e)) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let call = Call {
            listener,
            notification,
        };
        let unanswered = Unanswered(&call);
        let response = handler(&call);
        std::mem::forget(unanswered);
        match listener.respond(&notification, response) {
            Ok(()) | Err(Error::NotificationGone) => {}
            Err(_) => {
                // An errno out of range, or a handler that answered itself: never leave
                // the target waiting (a call already answered, e.g. by `respond` with
                // an injection's errno, refuses this one, harmlessly).
                let _ = listener.respond_errno(&notification, libc::ENOSYS);
            }
        }
    }
}

/// Answers the call with `ENOSYS` if the handler unwinds instead of returning.
struct Unanswered<'a, 'l>(&'a Call<'l>);

impl Drop for Unanswered<'_, '_> {
    fn drop(&mut self) {
        let _ = self
            .0
            .listener
            .respond_errno(&self.0.notification, libc::ENOSYS);
    }
}

/// One call, as a [`Supervisor`] handler gets it: the notification, and the listener's
/// operations that need it.
#[derive(Debug)]
pub struct Call<'l> {
    listener: &'l Listener,
    /// What was called, by whom.
    pub notification: Notification,
}

impl<'l> Call<'l> {
    /// The listener, for what the methods here do not cover.
    pub fn listener(&self) -> &'l Listener {
        self.listener
    }

    /// The syscall's name (see [`Notification::syscall_name`]).
    pub fn syscall_name(&self) -> Option<&'static str> {
        self.notification.syscall_name()
    }

    /// The calling thread's id ([`Notification::pid`]).
    pub fn pid(&self) -> u32 {
        self.notification.pid
    }

    /// The six argument registers.
    pub fn args(&self) -> [u64; 6] {
        self.notification.data.args
    }

    /// [`Listener::read_memory`] for this call.
    pub fn read_memory(&self, addr: u64, buf: &mut [u8]) -> Result<usize, Error> {
        self.listener.read_memory(&self.notification, addr, buf)
    }

    /// [`Listener::read_cstr`] for this call.
    pub fn read_cstr(&self, addr: u64, max: usize) -> Result<CString, Error> {
        self.listener.read_cstr(&self.notification, addr, max)
    }

    /// [`Listener::add_fd`] for this call: a descriptor for the target besides the one a
    /// [`Response::Fd`] returns.
    pub fn add_fd(&self, fd: BorrowedFd<'_>, flags: AddFd) -> Result<RawFd, Error> {
        self.listener.add_fd(&self.notification, fd, flags)
    }

    /// [`Listener::id_valid`] for this call.
    pub fn id_valid(&self) -> Result<bool, Error> {
        self.listener.id_valid(&self.notification)
    }
}
