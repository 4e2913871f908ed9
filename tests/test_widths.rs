//! The kernel's real argument widths, on the real kernel (issue 12).
//!
//! The tables give some `unsigned long` arguments a width of 32 bits because the kernel
//! narrows them before any use (`lower_32_bits(clone_flags)`, an `fd` passed to
//! `fget(unsigned int)`); `tools/gen-tables.py` proves it from the 6.12 source. Here, for
//! every such argument of the host's architecture:
//!
//! - the running kernel ignores the high bits: unfiltered, a call with garbage in the high
//!   word does what the clean call does (`kernel_ignores_*`);
//! - the filter ignores them too: under `errno(EACCES) S(arg == V)`, the call with `V` in
//!   the low word and anything in the high word gets `EACCES` instead of running
//!   (`every_narrowed_argument_is_compared_on_its_low_word`, driven by the tables, so an
//!   argument narrowed later without a probe here fails the test).
//!
//! Together: the bypass (a deny rule compared on 64 bits, dodged by setting bit 32) is
//! closed, and the rule still means what the kernel does.

mod common;

use common::*;
use libc::{EACCES, EBADF, EINVAL, ESRCH};
use seccomp_dsl::Arch;

/// Bit 32: the smallest high-word garbage.
const HIGH: u64 = 1 << 32;
/// Garbage in the whole high word.
const GARBAGE: u64 = 0xdead_beef_0000_0000;
/// File descriptors the test process does not have open.
const CLOSED_FD: u64 = 1000;
/// A pid no process has (above the kernel's largest pid_max, 2^22).
const NO_PID: u64 = 0x7fff_fff0;
/// What a child returns when the running kernel lacks a syscall the check needs.
const NO_SYSCALL: i32 = 222;

/// What a call must return.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// Exactly this value (`-errno` for an error).
    Is(i64),
    /// Anything but this (the answer depends on the kernel's configuration).
    Not(i64),
}

impl Want {
    fn ok(self, r: i64) -> bool {
        match self {
            Want::Is(v) => r == v,
            Want::Not(v) => r != v,
        }
    }
}

/// Checks made in a forked child, which may not allocate: the number of the first that
/// failed becomes the child's exit code (0: all passed).
struct Checks {
    n: i32,
    failed: i32,
}

impl Checks {
    fn new() -> Checks {
        Checks { n: 0, failed: 0 }
    }

    fn want(&mut self, r: i64, w: Want) {
        self.n += 1;
        if self.failed == 0 && !w.ok(r) {
            self.failed = self.n;
        }
    }

    fn exit_code(&self) -> i32 {
        self.failed
    }
}

/// The host's syscall number of `name`, from the tables.
fn nr(name: &str) -> libc::c_long {
    libc::c_long::from(
        native()
            .syscall(name)
            .unwrap_or_else(|| panic!("{name} on {}", native()))
            .nr,
    )
}

/// Index of `arg` among `syscall`'s arguments on the host.
fn index(syscall: &str, arg: &str) -> usize {
    native()
        .syscall(syscall)
        .and_then(|s| s.arg(arg))
        .unwrap_or_else(|| panic!("{syscall}({arg}) on {}", native()))
        .0
}

/// A child's exit code for one call: 0 if it returned `want`, [`NO_SYSCALL`] if the
/// kernel lacks the syscall, 1 otherwise.
fn outcome(r: i64, want: i64) -> i32 {
    match r {
        r if r == want => 0,
        r if r == -i64::from(libc::ENOSYS) => NO_SYSCALL,
        _ => 1,
    }
}

/// Whether the kernel's own answers can be observed: not when the test process already
/// runs under a seccomp filter (a container's), which may refuse what a check needs.
fn kernel_observable(what: &str) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let filtered = status
        .lines()
        .any(|l| l.starts_with("Seccomp:") && l.trim_end().ends_with('2'));
    if filtered {
        eprintln!("skipped: {what}: this process already runs under a seccomp filter");
    }
    !filtered
}

fn assert_passed(what: &str, exit: Exit) {
    if exit == Exit::Code(NO_SYSCALL) {
        eprintln!("skipped: {what}: the running kernel lacks a syscall this check needs (ENOSYS)");
        return;
    }
    assert_eq!(
        exit,
        Exit::Code(0),
        "{what}: the check with this number failed"
    );
}

// ------------------------------------------------------------------ the filter

/// For each narrowed argument: a value for the deny rule, and a call that is harmless
/// whether the rule matches or not (a closed fd, a pid nobody has, flags the kernel
/// rejects), with the argument under test filled in by the test; then the low word the
/// rule must *not* match and what the kernel answers to that call.
struct Probe {
    syscall: &'static str,
    arg: &'static str,
    value: u64,
    args: [u64; 6],
    other: u64,
    answer: Want,
}

const fn probe(
    syscall: &'static str,
    arg: &'static str,
    value: u64,
    args: [u64; 6],
    other: u64,
    answer: Want,
) -> Probe {
    Probe {
        syscall,
        arg,
        value,
        args,
        other,
        answer,
    }
}

const EBADF_: Want = Want::Is(-(EBADF as i64));
const PTRACE_ATTACH: u64 = 16;
const KCMP_FILE: u64 = 0;
const MADV_COLD: u64 = 20;

const PROBES: &[Probe] = &[
    // CLONE_SIGHAND without CLONE_VM: EINVAL, nothing is created.
    probe(
        "clone",
        "clone_flags",
        0x811,
        [0; 6],
        0x812,
        Want::Is(-(EINVAL as i64)),
    ),
    probe(
        "mmap",
        "fd",
        CLOSED_FD,
        [0, 4096, 1, 2, 0, 0],
        CLOSED_FD + 1,
        EBADF_,
    ),
    probe(
        "ptrace",
        "pid",
        NO_PID,
        [PTRACE_ATTACH, 0, 0, 0, 0, 0],
        NO_PID + 1,
        Want::Is(-(ESRCH as i64)),
    ),
    probe("readv", "fd", CLOSED_FD, [0; 6], CLOSED_FD + 1, EBADF_),
    probe("readv", "vlen", 3, [CLOSED_FD, 0, 0, 0, 0, 0], 4, EBADF_),
    probe("writev", "fd", CLOSED_FD, [0; 6], CLOSED_FD + 1, EBADF_),
    probe("writev", "vlen", 3, [CLOSED_FD, 0, 0, 0, 0, 0], 4, EBADF_),
    probe("preadv", "fd", CLOSED_FD, [0; 6], CLOSED_FD + 1, EBADF_),
    probe("preadv", "vlen", 3, [CLOSED_FD, 0, 0, 0, 0, 0], 4, EBADF_),
    probe("pwritev", "fd", CLOSED_FD, [0; 6], CLOSED_FD + 1, EBADF_),
    probe("pwritev", "vlen", 3, [CLOSED_FD, 0, 0, 0, 0, 0], 4, EBADF_),
    probe("preadv2", "fd", CLOSED_FD, [0; 6], CLOSED_FD + 1, EBADF_),
    probe("preadv2", "vlen", 3, [CLOSED_FD, 0, 0, 0, 0, 0], 4, EBADF_),
    probe("pwritev2", "fd", CLOSED_FD, [0; 6], CLOSED_FD + 1, EBADF_),
    probe("pwritev2", "vlen", 3, [CLOSED_FD, 0, 0, 0, 0, 0], 4, EBADF_),
    probe(
        "vmsplice",
        "nr_segs",
        3,
        [CLOSED_FD, 0, 0, 0, 0, 0],
        4,
        EBADF_,
    ),
    // No local iovecs: nothing to copy, 0.
    probe(
        "process_vm_readv",
        "liovcnt",
        3,
        [NO_PID, 0, 0, 0, 0, 0],
        0,
        Want::Is(0),
    ),
    probe(
        "process_vm_writev",
        "liovcnt",
        3,
        [NO_PID, 0, 0, 0, 0, 0],
        0,
        Want::Is(0),
    ),
    probe(
        "process_madvise",
        "vlen",
        3,
        [CLOSED_FD, 0, 0, MADV_COLD, 0, 0],
        0,
        EBADF_,
    ),
    // An empty range: 0, or ENOSYS on a kernel without NUMA.
    probe("mbind", "mode", 3, [0; 6], 0, Want::Not(-(EACCES as i64))),
    // No such processes: ESRCH, or ENOSYS on a kernel without kcmp.
    probe(
        "kcmp",
        "idx1",
        CLOSED_FD,
        [NO_PID, NO_PID, KCMP_FILE, 0, 0, 0],
        CLOSED_FD + 1,
        Want::Not(-(EACCES as i64)),
    ),
];

#[test]
fn every_narrowed_argument_is_compared_on_its_low_word() {
    let narrowed: Vec<(&str, &str)> = native()
        .syscalls()
        .iter()
        .flat_map(|s| {
            s.args
                .iter()
                .filter(|a| !a.narrowed.is_empty())
                .map(move |a| (s.name, a.name))
        })
        .collect();
    assert!(narrowed.len() >= 21, "{narrowed:?}");
    for &(syscall, arg) in &narrowed {
        assert!(
            PROBES.iter().any(|p| (p.syscall, p.arg) == (syscall, arg)),
            "{syscall}({arg}) is narrowed on {}: add a probe for it",
            native()
        );
    }
    for p in PROBES {
        assert!(
            narrowed.contains(&(p.syscall, p.arg)),
            "{}({}) is not narrowed on {}",
            p.syscall,
            p.arg,
            native()
        );
        let def = native().syscall(p.syscall).unwrap().arg(p.arg).unwrap().1;
        assert_eq!(def.width.bits(), 32, "{}({})", p.syscall, p.arg);
        let f = filter(&format!(
            "default allow; errno(EACCES) {}({} == {:#x});",
            p.syscall, p.arg, p.value
        ));
        let (n, i) = (nr(p.syscall), index(p.syscall, p.arg));
        let with = |v: u64| {
            let mut a = p.args;
            a[i] = v;
            a
        };
        let calls = [
            (with(p.value | HIGH), Want::Is(-(EACCES as i64))),
            (with(p.value | GARBAGE), Want::Is(-(EACCES as i64))),
            (with(p.value), Want::Is(-(EACCES as i64))),
            (with(p.other | HIGH), p.answer),
        ];
        let exit = in_child(&f, || {
            let mut c = Checks::new();
            for (args, want) in calls {
                c.want(raw(n, args), want);
            }
            c.exit_code()
        });
        assert_eq!(
            exit,
            Exit::Code(0),
            "{}({}): call #{} of {calls:x?}",
            p.syscall,
            p.arg,
            match exit {
                Exit::Code(c) => c,
                _ => -1,
            }
        );
    }
}

#[test]
fn the_issue_reproducer_clone_with_bit_32_set_gets_the_errno() {
    // `default allow; errno(EPERM) clone(clone_flags == 0x11);` used to deny clone(0x11)
    // but let clone(0x1_0000_0011) create the process.
    let f = filter("default allow; errno(EPERM) clone(clone_flags == 0x11);");
    let clone = nr("clone");
    let exit = in_child(&f, || {
        let mut c = Checks::new();
        for flags in [0x11, 0x1_0000_0011, 0xffff_ffff_0000_0011] {
            c.want(
                raw(clone, [flags, 0, 0, 0, 0, 0]),
                Want::Is(-i64::from(libc::EPERM)),
            );
        }
        c.exit_code()
    });
    assert_eq!(exit, Exit::Code(0));
}

// ------------------------------------------------------------------ the kernel

/// In the child: a memfd holding 8 bytes, or -errno.
fn memfd_with_8_bytes(memfd_create: libc::c_long, write: libc::c_long) -> i64 {
    let fd = raw(memfd_create, [c"widths".as_ptr() as u64, 0, 0, 0, 0, 0]);
    if fd >= 0 {
        let data = *b"8 bytes!";
        raw(write, [fd as u64, data.as_ptr() as u64, 8, 0, 0, 0]);
    }
    fd
}

#[test]
fn kernel_ignores_the_high_word_of_clone_flags() {
    if !kernel_observable("kernel_ignores_the_high_word_of_clone_flags") {
        return;
    }
    // clone(SIGCHLD | bit 32) creates a child like fork (EINVAL if the kernel read bit 32).
    let (clone, wait4) = (nr("clone"), nr("wait4"));
    let exit = in_child_raw(|| {
        let pid = raw(clone, [HIGH | libc::SIGCHLD as u64, 0, 0, 0, 0, 0]);
        if pid == 0 {
            // SAFETY: the new process leaves at once, without unwinding.
            unsafe { libc::_exit(7) }
        }
        if pid < 0 {
            return 1;
        }
        let mut status = 0i32;
        raw(
            wait4,
            [pid as u64, &mut status as *mut i32 as u64, 0, 0, 0, 0],
        );
        if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 7 {
            0
        } else {
            2
        }
    });
    assert_passed("clone", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_mmaps_fd() {
    if !kernel_observable("kernel_ignores_the_high_word_of_mmaps_fd") {
        return;
    }
    let (memfd_create, write, mmap, munmap) =
        (nr("memfd_create"), nr("write"), nr("mmap"), nr("munmap"));
    let exit = in_child_raw(|| {
        let fd = memfd_with_8_bytes(memfd_create, write);
        if fd < 0 {
            return 1;
        }
        // PROT_READ, MAP_PRIVATE: EBADF if the kernel read the high word.
        let addr = raw(mmap, [0, 4096, 1, 2, GARBAGE | fd as u64, 0]);
        if addr < 0 {
            return 2;
        }
        raw(munmap, [addr as u64, 4096, 0, 0, 0, 0]);
        0
    });
    assert_passed("mmap", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_ptraces_pid() {
    if !kernel_observable("kernel_ignores_the_high_word_of_ptraces_pid") {
        return;
    }
    // PTRACE_ATTACH to ourselves is EPERM; to a pid nobody has, ESRCH. With the high word
    // set, our own pid is still found: the kernel reads the low word only.
    let (ptrace, getpid) = (nr("ptrace"), nr("getpid"));
    let exit = in_child_raw(|| {
        let me = raw(getpid, [0; 6]) as u64;
        let mut c = Checks::new();
        c.want(
            raw(ptrace, [PTRACE_ATTACH, NO_PID, 0, 0, 0, 0]),
            Want::Is(-(ESRCH as i64)),
        );
        c.want(
            raw(ptrace, [PTRACE_ATTACH, me, 0, 0, 0, 0]),
            Want::Is(-i64::from(libc::EPERM)),
        );
        c.want(
            raw(ptrace, [PTRACE_ATTACH, HIGH | me, 0, 0, 0, 0]),
            Want::Is(-i64::from(libc::EPERM)),
        );
        c.want(
            raw(ptrace, [PTRACE_ATTACH, GARBAGE | me, 0, 0, 0, 0]),
            Want::Is(-i64::from(libc::EPERM)),
        );
        c.exit_code()
    });
    assert_passed("ptrace", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_vectored_io_fds_and_counts() {
    if !kernel_observable("kernel_ignores_the_high_word_of_vectored_io_fds_and_counts") {
        return;
    }
    // Each of readv, writev, preadv, pwritev, preadv2, pwritev2 with garbage above the fd
    // and above a count of 1 moves the 8 bytes (EBADF or EINVAL if the kernel read them).
    let (memfd_create, write, lseek) = (nr("memfd_create"), nr("write"), nr("lseek"));
    let calls = [
        "readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2",
    ]
    .map(nr);
    let exit = in_child_raw(|| {
        let fd = memfd_with_8_bytes(memfd_create, write);
        if fd < 0 {
            return 100;
        }
        let mut buf = [0u8; 8];
        let iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        let mut c = Checks::new();
        for n in calls {
            raw(lseek, [fd as u64, 0, 0, 0, 0, 0]);
            // (fd, iov, vlen, pos_l, pos_h, flags); readv and writev ignore the rest.
            let args = [
                GARBAGE | fd as u64,
                &iov as *const _ as u64,
                HIGH | 1,
                0,
                0,
                0,
            ];
            c.want(raw(n, args), Want::Is(8));
        }
        c.exit_code()
    });
    assert_passed("readv, writev, preadv, pwritev, preadv2, pwritev2", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_vmsplices_count() {
    if !kernel_observable("kernel_ignores_the_high_word_of_vmsplices_count") {
        return;
    }
    let (pipe2, vmsplice) = (nr("pipe2"), nr("vmsplice"));
    let exit = in_child_raw(|| {
        let mut fds = [0i32; 2];
        if raw(pipe2, [fds.as_mut_ptr() as u64, 0, 0, 0, 0, 0]) < 0 {
            return 100;
        }
        let data = *b"8 bytes!";
        let iov = libc::iovec {
            iov_base: data.as_ptr().cast_mut().cast(),
            iov_len: data.len(),
        };
        let mut c = Checks::new();
        let args = [fds[1] as u64, &iov as *const _ as u64, GARBAGE | 1, 0, 0, 0];
        c.want(raw(vmsplice, args), Want::Is(8));
        c.exit_code()
    });
    assert_passed("vmsplice", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_process_vm_local_counts() {
    if !kernel_observable("kernel_ignores_the_high_word_of_process_vm_local_counts") {
        return;
    }
    let (getpid, readv, writev) = (
        nr("getpid"),
        nr("process_vm_readv"),
        nr("process_vm_writev"),
    );
    let exit = in_child_raw(|| {
        let me = raw(getpid, [0; 6]) as u64;
        let mut local = [0u8; 8];
        let mut remote = *b"8 bytes!";
        let liov = libc::iovec {
            iov_base: local.as_mut_ptr().cast(),
            iov_len: 8,
        };
        let riov = libc::iovec {
            iov_base: remote.as_mut_ptr().cast(),
            iov_len: 8,
        };
        let (l, r) = (&liov as *const _ as u64, &riov as *const _ as u64);
        let first = raw(readv, [me, l, GARBAGE | 1, r, 1, 0]);
        if first == -i64::from(libc::ENOSYS) {
            return NO_SYSCALL;
        }
        let mut c = Checks::new();
        c.want(first, Want::Is(8));
        c.want(raw(writev, [me, l, HIGH | 1, r, 1, 0]), Want::Is(8));
        c.exit_code()
    });
    assert_passed("process_vm_readv, process_vm_writev", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_process_madvises_count() {
    if !kernel_observable("kernel_ignores_the_high_word_of_process_madvises_count") {
        return;
    }
    let (getpid, pidfd_open, mmap, madvise) = (
        nr("getpid"),
        nr("pidfd_open"),
        nr("mmap"),
        nr("process_madvise"),
    );
    let exit = in_child_raw(|| {
        let pidfd = raw(pidfd_open, [raw(getpid, [0; 6]) as u64, 0, 0, 0, 0, 0]);
        // PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
        let page = raw(mmap, [0, 4096, 3, 0x22, u64::MAX, 0]);
        if pidfd < 0 || page < 0 {
            return NO_SYSCALL;
        }
        let iov = libc::iovec {
            iov_base: page as *mut libc::c_void,
            iov_len: 4096,
        };
        let r = raw(
            madvise,
            [
                pidfd as u64,
                &iov as *const _ as u64,
                GARBAGE | 1,
                MADV_COLD,
                0,
                0,
            ],
        );
        outcome(r, 4096)
    });
    assert_passed("process_madvise", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_mbinds_mode() {
    if !kernel_observable("kernel_ignores_the_high_word_of_mbinds_mode") {
        return;
    }
    // MPOL_DEFAULT with bit 32 set: accepted (EINVAL if the kernel read bit 32).
    let (mmap, mbind) = (nr("mmap"), nr("mbind"));
    let exit = in_child_raw(|| {
        let page = raw(mmap, [0, 4096, 3, 0x22, u64::MAX, 0]);
        if page < 0 {
            return 100;
        }
        outcome(raw(mbind, [page as u64, 4096, HIGH, 0, 0, 0]), 0)
    });
    assert_passed("mbind", exit);
}

#[test]
fn kernel_ignores_the_high_word_of_kcmps_first_index() {
    if !kernel_observable("kernel_ignores_the_high_word_of_kcmps_first_index") {
        return;
    }
    // The same file on both sides: 0 (EBADF if the kernel read the high word).
    let (memfd_create, write, getpid, kcmp) =
        (nr("memfd_create"), nr("write"), nr("getpid"), nr("kcmp"));
    let exit = in_child_raw(|| {
        let fd = memfd_with_8_bytes(memfd_create, write);
        if fd < 0 {
            return 100;
        }
        let me = raw(getpid, [0; 6]) as u64;
        outcome(
            raw(kcmp, [me, me, KCMP_FILE, GARBAGE | fd as u64, fd as u64, 0]),
            0,
        )
    });
    assert_passed("kcmp", exit);
}

// ------------------------------------------------------------------ flag sets (S0207)

#[test]
fn an_exact_flags_deny_rule_is_bypassed_by_a_bit_the_kernel_drops_and_a_mask_is_not() {
    if !kernel_observable(
        "an_exact_flags_deny_rule_is_bypassed_by_a_bit_the_kernel_drops_and_a_mask_is_not",
    ) {
        return;
    }
    // What lint S0207 warns about: under `errno(EACCES) S(prot == RWX)`, the kernel maps
    // (or reprotects) RWX | PROT_SEM writable and executable; `prot & RWX == RWX` stops it.
    const RWX: u64 = 7;
    const PROT_SEM: u64 = 8;
    const PRIVATE_ANON: u64 = 0x22;
    let (mmap, mprotect) = (nr("mmap"), nr("mprotect"));
    let run = |policy: &str, bypassed: bool| {
        let f = filter(policy);
        let denied = Want::Is(-(EACCES as i64));
        // A new mapping's address or mprotect's 0, as 0: the call went through.
        let with_sem = if bypassed { Want::Is(0) } else { denied };
        in_child_raw(|| {
            // Unfiltered first: an RWX page must be possible here at all.
            let page = raw(mmap, [0, 4096, RWX, PRIVATE_ANON, u64::MAX, 0]);
            if page < 0 {
                return NO_SYSCALL;
            }
            if f.install().is_err() {
                return 200;
            }
            let mut c = Checks::new();
            c.want(raw(mmap, [0, 4096, RWX, PRIVATE_ANON, u64::MAX, 0]), denied);
            c.want(raw(mprotect, [page as u64, 4096, RWX, 0, 0, 0]), denied);
            let sem = RWX | PROT_SEM;
            c.want(
                raw(mmap, [0, 4096, sem, PRIVATE_ANON, u64::MAX, 0]).min(0),
                with_sem,
            );
            c.want(raw(mprotect, [page as u64, 4096, sem, 0, 0, 0]), with_sem);
            c.exit_code()
        })
    };
    let exact = run(
        "default allow; errno(EACCES) mmap(prot == PROT_READ | PROT_WRITE | PROT_EXEC); \
         errno(EACCES) mprotect(prot == PROT_READ | PROT_WRITE | PROT_EXEC);",
        true,
    );
    assert_passed("exact flags: RWX | PROT_SEM gets through", exact);
    let masked = run(
        "default allow; errno(EACCES) mmap(prot & 7 == 7); errno(EACCES) mprotect(prot & 7 == 7);",
        false,
    );
    assert_passed("masked flags: RWX | PROT_SEM is denied", masked);
}

// ------------------------------------------------------------------ every architecture

#[test]
fn narrowed_arguments_have_32_bit_tests_on_every_arch() {
    // The checked policy, the reference evaluator and the compiled filter agree that
    // `errno(EACCES) S(arg == V)` matches V with any high word, on every arch (the kernel
    // tests above cover the host's).
    use seccomp_dsl::bpf::interp;
    use seccomp_dsl::eval::{SeccompData, evaluate};
    use seccomp_dsl::policy::ret;
    for arch in Arch::ALL {
        for s in arch.syscalls() {
            for (i, a) in s.args.iter().enumerate() {
                if a.narrowed.is_empty() {
                    continue;
                }
                assert_eq!(a.width.bits(), 32, "{arch} {}({})", s.name, a.name);
                let src = format!(
                    "arch {arch}; default allow; errno(EACCES) {}({} == 0x11);",
                    s.name, a.name
                );
                let out = seccomp_dsl::compile_str("t.sc", &src);
                assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
                let policy = &out.policy.as_ref().unwrap().arches[0];
                let prog = &out.program(arch).unwrap().insns;
                for (v, matches) in [
                    (0x11, true),
                    (HIGH | 0x11, true),
                    (GARBAGE | 0x11, true),
                    (HIGH | 0x12, false),
                ] {
                    let mut args = [0u64; 6];
                    args[i] = v;
                    let data = SeccompData::new(arch.audit_arch(), s.nr, args);
                    let want = if matches {
                        ret::ERRNO | EACCES as u32
                    } else {
                        ret::ALLOW
                    };
                    assert_eq!(
                        evaluate(policy, &data).action.ret(),
                        want,
                        "{arch} {}({}) = {v:#x}",
                        s.name,
                        a.name
                    );
                    let got = interp::run(prog, &data.to_bytes()).expect("runs").ret;
                    assert_eq!(got, want, "{arch} {}({}) = {v:#x}: filter", s.name, a.name);
                }
            }
        }
    }
}
