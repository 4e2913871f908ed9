//! Every filter feature, proven on the real kernel: a forked child installs the compiled
//! filter, makes raw syscalls, and the parent checks it was killed, got the errno, or
//! went on.
//!
//! Conditions are observed through `errno` actions on calls that fail harmlessly when
//! they do run (a bad file descriptor gives `EBADF`): `EACCES` means the rule matched.

mod common;

use common::*;
use libc::{EACCES, EBADF, ENOSYS, EPERM};
use seccomp_dsl::{Arch, Code};

const NO_ARGS: [u64; 6] = [0; 6];

/// Runs `calls` in a child under `policy`; each call's result (`-errno` or value) is
/// compared with the expectation, and the child exits with the index+1 of the first
/// mismatch (0: all as expected).
fn expect_results(policy: &str, calls: &'static [(libc::c_long, [u64; 6], i64)]) {
    let f = filter(policy);
    let exit = in_child(&f, || {
        for (i, (n, args, want)) in calls.iter().enumerate() {
            if raw(*n, *args) != *want {
                return i as i32 + 1;
            }
        }
        0
    });
    assert_eq!(
        exit,
        Exit::Code(0),
        "call #{} of {calls:x?} did not give what was expected",
        match exit {
            Exit::Code(c) => c,
            _ => -1,
        }
    );
}

// ---------------------------------------------------------------- actions

#[test]
fn allow_lets_listed_calls_through_and_default_kill_kills_the_rest() {
    let f = filter("default kill; allow getppid, exit_group;");
    assert_eq!(
        in_child(&f, || if raw(libc::SYS_getppid, NO_ARGS) > 0 {
            0
        } else {
            1
        }),
        Exit::Code(0)
    );
    assert_eq!(
        in_child(&f, || code(raw(libc::SYS_getpgid, NO_ARGS))),
        SIGSYS
    );
}

#[test]
fn kill_and_kill_process_kill_with_sigsys() {
    for action in ["kill", "kill_process"] {
        let f = filter(&format!("default allow; {action} getppid;"));
        assert_eq!(
            in_child(&f, || code(raw(libc::SYS_getppid, NO_ARGS))),
            SIGSYS,
            "{action}"
        );
        // Other calls go on.
        assert_eq!(
            in_child(&f, || code(raw(libc::SYS_getpgid, NO_ARGS))),
            Exit::Code(0),
            "{action}"
        );
    }
}

#[test]
fn errno_fails_the_call_with_that_value() {
    expect_results(
        "default allow; errno(EACCES) getppid; errno(0) getpgid; errno(4095) getsid;",
        &[
            (libc::SYS_getppid, NO_ARGS, -(EACCES as i64)),
            // errno(0): "succeeds" with 0 without running (getpgid(0) would be our pgid).
            (libc::SYS_getpgid, NO_ARGS, 0),
            (libc::SYS_getsid, NO_ARGS, -4095),
        ],
    );
}

#[test]
fn log_allows() {
    let f = filter("default kill; log getppid; allow exit_group;");
    assert_eq!(
        in_child(&f, || if raw(libc::SYS_getppid, NO_ARGS) > 0 {
            0
        } else {
            1
        }),
        Exit::Code(0)
    );
}

#[test]
fn trace_without_a_tracer_fails_with_enosys() {
    expect_results(
        "default allow; trace(7) getppid;",
        &[(libc::SYS_getppid, NO_ARGS, -(ENOSYS as i64))],
    );
}

/// The SIGSYS handler of the trap test: exits with the `si_syscall` it was given, if the
/// signal really came from seccomp for this architecture.
extern "C" fn on_sigsys(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // struct siginfo for SIGSYS: si_code at 8, then _sigsys { _call_addr at 16, _syscall
    // (int) at 24, _arch (unsigned) at 28 } on 64-bit Linux.
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
    let (code, syscall, arch) = unsafe {
        let p = info.cast::<u8>();
        (
            p.add(8).cast::<i32>().read(),
            p.add(24).cast::<i32>().read(),
            p.add(28).cast::<u32>().read(),
        )
    };
    let ok = code == 1 /* SYS_SECCOMP */ && arch == native().audit_arch();
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(if ok { syscall & 0xff } else { 255 }) }
}

#[test]
fn trap_sends_sigsys_with_the_syscall_number() {
    let f = filter("default allow; trap getppid;");
    let exit = in_child_raw(|| {
        // SAFETY: installing a handler with a zeroed sigaction and SA_SIGINFO.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_sigsys as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO;
            libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut());
        }
        if f.install().is_err() {
            return 200;
        }
        raw(libc::SYS_getppid, NO_ARGS);
        254 // the handler exits; reaching here means no signal
    });
    assert_eq!(exit, Exit::Code(libc::SYS_getppid as i32 & 0xff));
}

// ---------------------------------------------------------------- conditions

#[test]
fn thirty_two_bit_arguments_compare_the_low_word_only() {
    // close(unsigned int fd): the kernel ignores the high half, so must the filter, or
    // garbage there would slip past a deny rule.
    expect_results(
        "default allow; errno(EACCES) close(fd == 1000);",
        &[
            (libc::SYS_close, [1000, 0, 0, 0, 0, 0], -(EACCES as i64)),
            (
                libc::SYS_close,
                [0xdead_0000_0000_03e8, 0, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            (
                libc::SYS_close,
                [0x1_0000_03e8, 0, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            (libc::SYS_close, [1001, 0, 0, 0, 0, 0], -(EBADF as i64)),
            (
                libc::SYS_close,
                [0x1_0000_03e9, 0, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
        ],
    );
}

#[test]
fn negative_values_match_with_and_without_sign_extension() {
    expect_results(
        "default allow; errno(EACCES) fchdir(fd == -1);",
        &[
            (
                libc::SYS_fchdir,
                [0xffff_ffff, 0, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            (
                libc::SYS_fchdir,
                [u64::MAX, 0, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            (
                libc::SYS_fchdir,
                [0xffff_fffe, 0, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
        ],
    );
}

#[test]
fn sixty_four_bit_arguments_compare_high_then_low_word() {
    // lseek(unsigned int fd, off_t offset, unsigned int whence): offset is 64-bit.
    expect_results(
        "default allow;
         errno(EACCES) lseek(offset == 0x1_0000_0000);
         errno(EPERM) lseek(offset > 0x2_0000_0005 && offset < 0x3_0000_0000);",
        &[
            (
                libc::SYS_lseek,
                [999, 0x1_0000_0000, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            // Same low word, different high word: no match.
            (libc::SYS_lseek, [999, 0, 0, 0, 0, 0], -(EBADF as i64)),
            (
                libc::SYS_lseek,
                [999, 0x2_0000_0000, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
            (
                libc::SYS_lseek,
                [999, 0x2_0000_0005, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
            (
                libc::SYS_lseek,
                [999, 0x2_0000_0006, 0, 0, 0, 0],
                -(EPERM as i64),
            ),
            (
                libc::SYS_lseek,
                [999, 0x2_ffff_ffff, 0, 0, 0, 0],
                -(EPERM as i64),
            ),
            (
                libc::SYS_lseek,
                [999, 0x3_0000_0000, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
            // Low word above 5 but high word below 2: not greater.
            (
                libc::SYS_lseek,
                [999, 0x1_ffff_ffff, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
            (
                libc::SYS_lseek,
                [999, u64::MAX, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
        ],
    );
}

#[test]
fn sets_masks_and_boolean_operators() {
    expect_results(
        "default allow;
         errno(EACCES) close(fd in {1000, 2000, 3000});
         errno(EPERM) fchdir(fd not in {1001, 1002} && fd < 5000);
         errno(EXDEV) dup3(oldfd & 0xff00 == 0x1200 || !(newfd >= 100) && flags == 0);",
        &[
            (libc::SYS_close, [2000, 0, 0, 0, 0, 0], -(EACCES as i64)),
            (
                libc::SYS_close,
                [0xffff_0000_0000_0bb8, 0, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            (libc::SYS_close, [2001, 0, 0, 0, 0, 0], -(EBADF as i64)),
            (libc::SYS_fchdir, [1001, 0, 0, 0, 0, 0], -(EBADF as i64)),
            (libc::SYS_fchdir, [1003, 0, 0, 0, 0, 0], -(EPERM as i64)),
            (libc::SYS_fchdir, [6000, 0, 0, 0, 0, 0], -(EBADF as i64)),
            (
                libc::SYS_dup3,
                [0x1234, 5000, 0, 0, 0, 0],
                -(libc::EXDEV as i64),
            ),
            (libc::SYS_dup3, [0x1334, 5000, 0, 0, 0, 0], -(EBADF as i64)),
            (
                libc::SYS_dup3,
                [5000, 50, 0, 0, 0, 0],
                -(libc::EXDEV as i64),
            ),
            (
                libc::SYS_dup3,
                [5000, 50, libc::O_CLOEXEC as u64, 0, 0, 0],
                -(EBADF as i64),
            ),
            (libc::SYS_dup3, [5000, 500, 0, 0, 0, 0], -(EBADF as i64)),
        ],
    );
}

#[test]
fn first_matching_rule_wins_and_constants_are_the_kernels() {
    // Relative, so that `dfd` matters when the call runs.
    static NOWHERE: &std::ffi::CStr = c"nonexistent-seccomp-dsl-test";
    let path = NOWHERE.as_ptr() as u64;
    let calls: &'static [(libc::c_long, [u64; 6], i64)] = Box::leak(Box::new([
        // AT_FDCWD = -100 as an int: sign-extended or not.
        (
            libc::SYS_openat,
            [0xffff_ff9c, path, libc::O_RDONLY as u64, 0, 0, 0],
            -(EACCES as i64),
        ),
        (
            libc::SYS_openat,
            [(-100i64) as u64, path, libc::O_RDONLY as u64, 0, 0, 0],
            -(EACCES as i64),
        ),
        // Write access is caught by the second rule.
        (
            libc::SYS_openat,
            [(-100i64) as u64, path, libc::O_WRONLY as u64, 0, 0, 0],
            -(EPERM as i64),
        ),
        // Another directory fd: runs, and fails on the bad fd.
        (
            libc::SYS_openat,
            [999, path, libc::O_RDONLY as u64, 0, 0, 0],
            -(EBADF as i64),
        ),
    ]));
    expect_results(
        "default allow;
         errno(EACCES) openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_RDONLY);
         errno(EPERM) openat(flags & O_ACCMODE != O_RDONLY);",
        calls,
    );
}

// ---------------------------------------------------------------- the seed's hello world

#[cfg(target_arch = "x86_64")]
#[test]
fn hello_world_prints_then_dies_opening_etc_shadow() {
    let f = filter("allow fstat, exit_group, write(fd == 1); default kill;");
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let exit = in_child_raw(|| {
        // SAFETY: plain descriptor operations in the child.
        unsafe {
            libc::dup2(fds[1], 1);
            libc::close(fds[0]);
        }
        if f.install().is_err() {
            return 200;
        }
        let msg = b"Hello, sandbox!\n";
        raw(
            libc::SYS_write,
            [1, msg.as_ptr() as u64, msg.len() as u64, 0, 0, 0],
        );
        raw(
            libc::SYS_open,
            [
                c"/etc/shadow".as_ptr() as u64,
                libc::O_RDONLY as u64,
                0,
                0,
                0,
                0,
            ],
        );
        0
    });
    // SAFETY: closing our copy of the write end, then reading into a local buffer.
    let out = unsafe {
        libc::close(fds[1]);
        let mut buf = [0u8; 64];
        let n = libc::read(fds[0], buf.as_mut_ptr().cast(), buf.len());
        libc::close(fds[0]);
        String::from_utf8_lossy(&buf[..n.max(0) as usize]).into_owned()
    };
    assert_eq!(out, "Hello, sandbox!\n");
    assert_eq!(exit, SIGSYS);
}

// ---------------------------------------------------------------- bypass attempts

#[cfg(target_arch = "x86_64")]
#[test]
fn x32_syscall_numbers_are_killed() {
    // A denylist: without the guard, getppid | 0x4000_0000 would dodge `errno` (if the
    // kernel has x32) because the rule is written for the 64-bit number.
    let f = filter("default allow; errno(EPERM) getppid;");
    for n in [
        libc::SYS_getppid | 0x4000_0000,
        libc::SYS_getpid | 0x4000_0000,
        0x8000_0000 | libc::SYS_getppid,
        0xffff_ffff,
    ] {
        assert_eq!(in_child(&f, || code(raw(n, NO_ARGS))), SIGSYS, "nr {n:#x}");
    }
}

#[cfg(target_arch = "x86_64")]
fn int80_getpid() -> i64 {
    let mut ret: i64 = 20; // i386 getpid
    // SAFETY: the i386 getpid takes no arguments; the kernel clobbers r8-r11 on this path.
    unsafe {
        std::arch::asm!("int 0x80", inout("rax") ret => ret, out("r8") _, out("r9") _, out("r10") _, out("r11") _, options(nostack));
    }
    ret
}

#[cfg(target_arch = "x86_64")]
#[test]
fn int_0x80_is_killed_by_the_arch_check() {
    // Unfiltered, the i386 entry works here (or the kernel has no ia32 support at all and
    // the instruction faults): either way it is not filtered by rules for x86_64 numbers.
    let unfiltered = in_child_raw(|| if int80_getpid() > 0 { 0 } else { 1 });
    assert!(
        matches!(unfiltered, Exit::Code(0) | Exit::Signal(libc::SIGSEGV)),
        "{unfiltered:?}"
    );
    // A denylist that allows everything else on x86_64: the i386 call is killed.
    let f = filter("default allow; errno(EPERM) getpid;");
    let exit = in_child(&f, || if int80_getpid() > 0 { 0 } else { 1 });
    if unfiltered == Exit::Code(0) {
        assert_eq!(exit, SIGSYS);
    }
}

// ---------------------------------------------------------------- size limits

/// A policy whose filter cannot fit 4096 instructions: 300 syscalls × 20 distinct values.
fn huge_policy(arch: Arch) -> String {
    let mut src = String::from("default allow;\n");
    let names: Vec<&str> = arch
        .syscalls()
        .iter()
        .filter(|s| s.implemented && !s.args.is_empty())
        .map(|s| s.name)
        .take(300)
        .collect();
    for (i, n) in names.iter().enumerate() {
        let values: Vec<String> = (0..20).map(|k| (i * 1000 + k * 7).to_string()).collect();
        src.push_str(&format!(
            "errno(EPERM) {n}(arg0 in {{{}}});\n",
            values.join(", ")
        ));
    }
    src
}

#[test]
fn over_4096_instructions_is_a_clear_error() {
    let src = format!("arch {};\n{}", native(), huge_policy(native()));
    let out = seccomp_dsl::compile_str("huge.sc", &src);
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == Code::TooLarge)
        .unwrap_or_else(|| {
            panic!("expected S0117, got {}", out.render_diagnostics(false));
        });
    assert!(d.message.contains("4096"), "{}", d.message);
    assert!(out.programs.is_empty());
}

#[test]
fn the_kernel_agrees_on_the_limit() {
    use seccomp_dsl::bpf::SockFilter;
    let ret = SockFilter::ret(seccomp_dsl::policy::ret::ALLOW);
    // Our loader refuses 4097 instructions; the kernel itself does too.
    assert!(seccomp_rt::Filter::from_bytes(&seccomp_dsl::bpf::to_bytes(&vec![ret; 4097])).is_err());
    let prog = vec![
        libc::sock_filter {
            code: ret.code,
            jt: 0,
            jf: 0,
            k: ret.k
        };
        4097
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr().cast_mut(),
    };
    let exit = in_child_raw(|| {
        // SAFETY: raw prctl/seccomp with a valid program pointer.
        unsafe {
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            let r = libc::syscall(libc::SYS_seccomp, 1, 0, &fprog as *const _);
            if r == -1 && *libc::__errno_location() == libc::EINVAL {
                0
            } else {
                1
            }
        }
    });
    assert_eq!(exit, Exit::Code(0));
}

#[test]
fn long_programs_with_far_jumps_install_and_behave() {
    // 600 values in one set plus rules on other syscalls: well over 255 instructions, so
    // jumps to shared returns must be re-targeted.
    let set: Vec<String> = (0..600).map(|k| (1000 + 3 * k).to_string()).collect();
    let src = format!(
        "default allow; errno(EACCES) close(fd in {{{}}}); errno(EPERM) getppid; errno(EXDEV) fchdir(fd > 50000);",
        set.join(", ")
    );
    let prog = compile(&src);
    assert!(prog.len() > 300, "only {} instructions", prog.len());
    seccomp_dsl::bpf::verify::verify(&prog).expect("valid");
    expect_results(
        &src,
        &[
            (libc::SYS_close, [1000, 0, 0, 0, 0, 0], -(EACCES as i64)),
            (libc::SYS_close, [1001, 0, 0, 0, 0, 0], -(EBADF as i64)),
            (
                libc::SYS_close,
                [1000 + 3 * 599, 0, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            (
                libc::SYS_close,
                [1000 + 3 * 600, 0, 0, 0, 0, 0],
                -(EBADF as i64),
            ),
            (
                libc::SYS_close,
                [1000 + 3 * 300, 0, 0, 0, 0, 0],
                -(EACCES as i64),
            ),
            (libc::SYS_getppid, NO_ARGS, -(EPERM as i64)),
            (
                libc::SYS_fchdir,
                [50001, 0, 0, 0, 0, 0],
                -(libc::EXDEV as i64),
            ),
            (libc::SYS_fchdir, [49999, 0, 0, 0, 0, 0], -(EBADF as i64)),
        ],
    );
}
