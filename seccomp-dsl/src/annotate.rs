//! Disassembly comments that know the architecture: syscall names for compared numbers,
//! architecture names for `AUDIT_ARCH_*` values, errno names in returned actions.

use crate::bpf::disasm::Annotate;
use crate::bpf::offset;
use crate::policy::Action;
use crate::tables::Arch;

/// Annotations that name syscalls, architectures and errno values.
pub struct ForArch(pub Arch);

impl Annotate for ForArch {
    fn compare(&self, offset: u32, k: u32) -> Option<String> {
        match offset {
            offset::NR => {
                if self.0.x32_bit().is_some_and(|b| k >= b) {
                    return Some("x32 numbers and above".into());
                }
                Some(match self.0.syscall_by_nr(k) {
                    Some(s) => s.name.to_string(),
                    None => format!("{k} (no syscall)"),
                })
            }
            offset::ARCH => Arch::ALL
                .iter()
                .find(|a| a.audit_arch() == k)
                .map(|a| format!("AUDIT_ARCH for {a}")),
            _ => None,
        }
    }

    fn ret(&self, k: u32) -> Option<String> {
        Some(Action::from_ret(k).to_string())
    }
}

/// The listing of a program for `arch`, with [`ForArch`]'s comments.
pub fn disasm(prog: &[crate::bpf::SockFilter], arch: Arch) -> String {
    crate::bpf::disasm::disasm(prog, &ForArch(arch))
}
