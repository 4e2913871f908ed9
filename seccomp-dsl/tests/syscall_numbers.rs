//! The syscall tables are generated from the kernel sources (`tools/gen-tables.py`);
//! here they are checked against an independent source, the `syscalls` crate (generated
//! from the kernel's syscall tables by its own tooling).

use std::str::FromStr;

use seccomp_dsl::Arch;

fn cross_check<S: FromStr + Copy>(arch: Arch, id: impl Fn(S) -> i32) {
    let mut matched = 0;
    let mut missing = Vec::new();
    for def in arch.syscalls() {
        match S::from_str(def.name) {
            Ok(s) => {
                assert_eq!(
                    id(s) as u32,
                    def.nr,
                    "{arch}: {} is {} in our table, {} in the syscalls crate",
                    def.name,
                    def.nr,
                    id(s)
                );
                matched += 1;
            }
            // The crate may lag behind the kernel release the tables come from.
            Err(_) => missing.push(def.name),
        }
    }
    assert!(
        matched >= arch.syscalls().len() * 95 / 100,
        "{arch}: only {matched} of {} syscalls known to the syscalls crate (missing: {missing:?})",
        arch.syscalls().len()
    );
}

#[test]
fn x86_64_numbers_match_the_syscalls_crate() {
    cross_check::<syscalls::x86_64::Sysno>(Arch::X86_64, |s| s.id());
}

#[test]
fn aarch64_numbers_match_the_syscalls_crate() {
    cross_check::<syscalls::aarch64::Sysno>(Arch::Aarch64, |s| s.id());
}

#[test]
fn the_syscalls_crate_knows_nothing_we_lack_but_newer_syscalls() {
    // Added after the kernel release our tables come from (Linux 6.12): the syscalls
    // crate follows newer kernels.
    const NEWER: &[&str] = &[
        "uprobe",
        "uretprobe",
        "setxattrat",
        "getxattrat",
        "listxattrat",
        "removexattrat",
        "open_tree_attr",
        "file_getattr",
        "file_setattr",
    ];
    let mut missing = Vec::new();
    for s in syscalls::x86_64::Sysno::iter() {
        match Arch::X86_64.syscall_by_nr(s.id() as u32) {
            Some(def) => assert_eq!(def.name, s.name(), "x86_64 syscall {}", s.id()),
            None => missing.push(s.name()),
        }
    }
    missing.retain(|m| !NEWER.contains(m));
    assert!(
        missing.is_empty(),
        "x86_64: missing from our table: {missing:?}"
    );
}
