//! Syscall names by number, so a supervisor can log and match what it was asked.
//!
//! The tables are generated from the policy compiler's own (`seccomp_dsl::Arch::syscalls`,
//! themselves generated from the kernel sources) by `tests/test_syscall_names.rs`, which
//! fails when this copy differs: one source of truth, without this runtime depending on
//! the compiler. They cover the architectures the policy language supports.

mod generated;

/// The syscall names of one architecture.
pub(crate) struct Table {
    /// The policy language's name (`x86_64`, `aarch64`), as `std::env::consts::ARCH`.
    name: &'static str,
    /// `AUDIT_ARCH_*`, as in [`crate::SeccompData::arch`].
    audit_arch: u32,
    /// Indexed by number; `""` where a number is unused.
    names: &'static [&'static str],
}

/// The kernel version the tables were generated from: newer syscalls have no name here.
pub const KERNEL_VERSION: &str = generated::KERNEL;

fn table(audit_arch: u32) -> Option<&'static Table> {
    generated::TABLES
        .iter()
        .find(|t| t.audit_arch == audit_arch)
}

/// The name of syscall `nr` of the architecture `audit_arch` (`AUDIT_ARCH_*`, as the
/// kernel reports it in [`crate::SeccompData`]); `None` for other architectures (i386
/// calls of an x86_64 process, x32 numbers) and numbers the tables do not know.
pub fn name(audit_arch: u32, nr: i32) -> Option<&'static str> {
    let names = table(audit_arch)?.names;
    let name = *names.get(usize::try_from(nr).ok()?)?;
    (!name.is_empty()).then_some(name)
}

/// The number of the syscall called `name` on the architecture `audit_arch`.
pub fn number(audit_arch: u32, name: &str) -> Option<i32> {
    if name.is_empty() {
        return None;
    }
    let i = table(audit_arch)?.names.iter().position(|n| *n == name)?;
    i32::try_from(i).ok()
}

/// The `AUDIT_ARCH_*` value of native calls on this machine, if the tables cover it.
pub fn native_audit_arch() -> Option<u32> {
    generated::TABLES
        .iter()
        .find(|t| t.name == std::env::consts::ARCH)
        .map(|t| t.audit_arch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip() {
        const X86_64: u32 = 0xc000_003e;
        const AARCH64: u32 = 0xc000_00b7;
        assert_eq!(name(X86_64, 0), Some("read"));
        assert_eq!(name(X86_64, 39), Some("getpid"));
        assert_eq!(name(AARCH64, 172), Some("getpid"));
        assert_eq!(name(AARCH64, 56), Some("openat"));
        assert_eq!(number(X86_64, "openat2"), Some(437));
        assert_eq!(name(X86_64, -1), None);
        assert_eq!(
            name(X86_64, 0x4000_0000),
            None,
            "x32 numbers are not x86_64's"
        );
        assert_eq!(name(0x4000_0003, 20), None, "i386 is not covered");
        assert_eq!(number(X86_64, ""), None);
        assert_eq!(number(X86_64, "no_such_call"), None);
        for t in generated::TABLES {
            for (nr, n) in t.names.iter().enumerate() {
                if !n.is_empty() {
                    assert_eq!(number(t.audit_arch, n), Some(nr as i32), "{n}");
                }
            }
        }
        let native = native_audit_arch().expect("tests run on a covered arch");
        assert_eq!(
            name(native, libc::SYS_getppid as i32),
            Some("getppid"),
            "the native table agrees with libc"
        );
    }
}
