//! Enum-like syscall arguments: which ones `scc trace --args enums` records, the bits it
//! keeps, and how it names the values with the generated constant tables.
//!
//! Only the *families* of names are written here (prefixes, exclusions, tie-breaks); every
//! value comes from [`Arch::constants`], so a name is always one the policy checker
//! accepts and means the same number.

use seccomp_dsl::tables::{Arch, SyscallDef};

/// An argument recorded by value.
#[derive(Debug)]
pub struct EnumArg {
    /// The argument's policy name (`domain`, `cmd`, ...).
    pub name: &'static str,
    /// Which bits are recorded: the whole argument, or the bits of one constant
    /// (`O_ACCMODE`, `PROT_EXEC`).
    pub mask: Option<&'static str>,
    /// How values are named.
    pub naming: Naming,
}

/// How to write a recorded value: a named low part (`SOCK_STREAM`, `SIGCHLD`) and named
/// single-bit flags above it (`SOCK_CLOEXEC`, `CLONE_VM`).
#[derive(Debug)]
pub struct Naming {
    /// The bits of the low part (`u64::MAX`: the value is one constant).
    pub low_mask: u64,
    pub low: Option<&'static Family>,
    pub flags: Option<&'static Family>,
}

/// A family of constant names in the tables.
#[derive(Debug)]
pub struct Family {
    /// Names start with one of these.
    pub prefixes: &'static [&'static str],
    /// Names starting with one of these are of another family sharing the prefix (`F_OK`,
    /// `F_RDLCK` are not `fcntl` commands).
    pub exclude: &'static [&'static str],
    /// When several names have the value, these win (`AF_UNIX` over `AF_LOCAL`); then the
    /// shortest, then the first alphabetically.
    pub prefer: &'static [&'static str],
    /// Only values shaped like ioctl request codes.
    pub ioctl: bool,
}

static AF: Family = Family {
    prefixes: &["AF_"],
    exclude: &["AF_MAX"],
    prefer: &["AF_UNIX", "AF_NETLINK"],
    ioctl: false,
};

static SOCK_TYPE: Family = Family {
    prefixes: &[
        "SOCK_STREAM",
        "SOCK_DGRAM",
        "SOCK_RAW",
        "SOCK_RDM",
        "SOCK_SEQPACKET",
        "SOCK_DCCP",
        "SOCK_PACKET",
    ],
    exclude: &[],
    prefer: &[],
    ioctl: false,
};

static SOCK_FLAGS: Family = Family {
    prefixes: &["SOCK_CLOEXEC", "SOCK_NONBLOCK"],
    exclude: &[],
    prefer: &[],
    ioctl: false,
};

static FCNTL: Family = Family {
    prefixes: &["F_"],
    exclude: &[
        "F_OK",
        "F_RDLCK",
        "F_WRLCK",
        "F_UNLCK",
        "F_EXLCK",
        "F_SHLCK",
        "F_LOCK",
        "F_TLOCK",
        "F_ULOCK",
        "F_TEST",
        "F_OWNER_",
        "F_SEAL_",
        "F_LINUX_SPECIFIC_BASE",
    ],
    prefer: &[],
    ioctl: false,
};

static IOCTL: Family = Family {
    prefixes: &[
        "TC",
        "TIOC",
        "FIO",
        "SIOC",
        "FS_IOC_",
        "UFFDIO_",
        "SECCOMP_IOCTL_",
    ],
    exclude: &["TCP", "TCX_", "TIOCM_", "TIOCPKT_"],
    prefer: &["FIONREAD", "TIOCOUTQ"],
    ioctl: true,
};

static PRCTL: Family = Family {
    prefixes: &["PR_"],
    exclude: &[
        "PR_CAP_AMBIENT_",
        "PR_ENDIAN_",
        "PR_FPEMU_",
        "PR_FP_EXC_",
        "PR_FP_MODE_",
        "PR_MCE_KILL_CLEAR",
        "PR_MCE_KILL_DEFAULT",
        "PR_MCE_KILL_EARLY",
        "PR_MCE_KILL_LATE",
        "PR_MCE_KILL_SET",
        "PR_MDWE_",
        "PR_MTE_",
        "PR_PAC_AP",
        "PR_PPC_DEXCR_CTRL_",
        "PR_PPC_DEXCR_IBRTPD",
        "PR_PPC_DEXCR_NPHIE",
        "PR_PPC_DEXCR_SBHE",
        "PR_PPC_DEXCR_SRAPD",
        "PR_RISCV_CTX_",
        "PR_RISCV_SCOPE_",
        "PR_RISCV_V_VSTATE_",
        "PR_SCHED_CORE_",
        "PR_SET_MM_",
        "PR_SET_VMA_",
        "PR_SET_PTRACER_ANY",
        "PR_SPEC_",
        "PR_SME_SET_VL_ONEXEC",
        "PR_SME_VL_",
        "PR_SVE_SET_VL_ONEXEC",
        "PR_SVE_VL_",
        "PR_SYS_DISPATCH_",
        "PR_TAGGED_",
        "PR_TIMING_",
        "PR_TSC_",
        "PR_UNALIGN_",
    ],
    prefer: &[],
    ioctl: false,
};

static CLONE_FLAGS: Family = Family {
    prefixes: &["CLONE_"],
    exclude: &["CLONE_ARGS_SIZE_"],
    prefer: &[],
    ioctl: false,
};

static SIGNALS: Family = Family {
    prefixes: &["SIG"],
    exclude: &["SIGEV_", "SIG_", "SIGSTKSZ"],
    prefer: &["SIGCHLD", "SIGABRT", "SIGIO", "SIGSYS"],
    ioctl: false,
};

static PROT_EXEC: Family = Family {
    prefixes: &["PROT_EXEC"],
    exclude: &[],
    prefer: &[],
    ioctl: false,
};

static ACCMODE: Family = Family {
    prefixes: &["O_RDONLY", "O_WRONLY", "O_RDWR"],
    exclude: &[],
    prefer: &[],
    ioctl: false,
};

const fn one(family: &'static Family) -> Naming {
    Naming {
        low_mask: u64::MAX,
        low: Some(family),
        flags: None,
    }
}

const SOCKET: &[EnumArg] = &[
    EnumArg {
        name: "domain",
        mask: None,
        naming: one(&AF),
    },
    EnumArg {
        name: "type",
        mask: None,
        // The socket type is the low 4 bits (SOCK_TYPE_MASK); flags sit above.
        naming: Naming {
            low_mask: 0xf,
            low: Some(&SOCK_TYPE),
            flags: Some(&SOCK_FLAGS),
        },
    },
];

const OPEN: &[EnumArg] = &[EnumArg {
    name: "flags",
    mask: Some("O_ACCMODE"),
    naming: one(&ACCMODE),
}];

const PROT: &[EnumArg] = &[EnumArg {
    name: "prot",
    mask: Some("PROT_EXEC"),
    naming: one(&PROT_EXEC),
}];

const FCNTL_CMD: &[EnumArg] = &[EnumArg {
    name: "cmd",
    mask: None,
    naming: one(&FCNTL),
}];

const IOCTL_CMD: &[EnumArg] = &[EnumArg {
    name: "cmd",
    mask: None,
    naming: one(&IOCTL),
}];

const PRCTL_OPTION: &[EnumArg] = &[EnumArg {
    name: "option",
    mask: None,
    naming: one(&PRCTL),
}];

const CLONE: &[EnumArg] = &[EnumArg {
    name: "clone_flags",
    mask: None,
    // The low byte is the signal sent to the parent when the child exits (CSIGNAL).
    naming: Naming {
        low_mask: 0xff,
        low: Some(&SIGNALS),
        flags: Some(&CLONE_FLAGS),
    },
}];

/// The arguments recorded by value for a syscall (by name), in the order conditions are
/// written.
pub fn enum_args(syscall: &str) -> &'static [EnumArg] {
    match syscall {
        "socket" | "socketpair" => SOCKET,
        "fcntl" => FCNTL_CMD,
        "ioctl" => IOCTL_CMD,
        "prctl" => PRCTL_OPTION,
        "clone" => CLONE,
        "mmap" | "mprotect" | "pkey_mprotect" => PROT,
        "open" | "openat" => OPEN,
        _ => &[],
    }
}

/// An enum argument resolved for one syscall of one arch: its index and the bits kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub index: usize,
    /// Width mask and the constant's mask together.
    pub mask: u64,
    /// Whether the constant mask is a single bit (then recording both values means the
    /// argument is not constrained at all).
    pub single_bit: bool,
}

/// Resolves `arg` for `def` on `arch`; `None` if the arch lacks the argument or the mask
/// constant.
pub fn resolve(arch: Arch, def: &SyscallDef, arg: &EnumArg) -> Option<Resolved> {
    let (index, a) = def.arg(arg.name)?;
    let width = a.width.mask();
    let (mask, single_bit) = match arg.mask {
        None => (width, false),
        Some(name) => {
            let m = arch.constant(name)? as u64 & width;
            (m, m.count_ones() == 1)
        }
    };
    Some(Resolved {
        index,
        mask,
        single_bit,
    })
}

impl Family {
    fn admits(&self, name: &str) -> bool {
        self.prefixes.iter().any(|p| name.starts_with(p))
            && !self.exclude.iter().any(|p| name.starts_with(p))
    }

    /// The name of `value` (compared within `mask`) on `arch`, if the family has one.
    pub fn name(&self, arch: Arch, value: u64, mask: u64) -> Option<&'static str> {
        let mut best: Option<&'static str> = None;
        for c in arch.constants() {
            if !self.admits(c.name) || (c.value as u64) & mask != value {
                continue;
            }
            if self.ioctl && !looks_like_ioctl(c.value as u64 & 0xffff_ffff) {
                continue;
            }
            best = Some(match best {
                None => c.name,
                Some(b) => better(self, b, c.name),
            });
        }
        best
    }

    /// The single-bit constants of the family, highest bit first.
    fn bits(&self, arch: Arch, within: u64) -> Vec<(u64, &'static str)> {
        let mut out: Vec<(u64, &'static str)> = Vec::new();
        for c in arch.constants() {
            let v = c.value as u64;
            if !self.admits(c.name) || v.count_ones() != 1 || v & within == 0 {
                continue;
            }
            match out.iter_mut().find(|(b, _)| *b == v) {
                Some(slot) => slot.1 = better(self, slot.1, c.name),
                None => out.push((v, c.name)),
            }
        }
        out.sort_by_key(|b| std::cmp::Reverse(b.0));
        out
    }
}

fn better(f: &Family, a: &'static str, b: &'static str) -> &'static str {
    let rank = |n: &str| {
        (
            f.prefer.iter().position(|p| *p == n).unwrap_or(usize::MAX),
            n.len(),
        )
    };
    match rank(a).cmp(&rank(b)).then(a.cmp(b)) {
        std::cmp::Ordering::Greater => b,
        _ => a,
    }
}

/// Whether a 32-bit value is shaped like an ioctl request: the old terminal and socket
/// ranges (`0x54xx`, `0x89xx`) or an `_IOC` code with a direction and a size.
fn looks_like_ioctl(v: u64) -> bool {
    (0x5401..=0x54ff).contains(&v)
        || (0x8901..=0x89ff).contains(&v)
        || (v > 0xffff && v >> 30 != 0 && (v >> 16) & 0x3fff != 0)
}

/// Writes a recorded value with constant names, e.g. `SOCK_STREAM | SOCK_CLOEXEC`,
/// `CLONE_VM | CLONE_FS | SIGCHLD`, `F_GETFL`; numbers where the tables have no name.
pub fn value_text(arch: Arch, naming: &Naming, value: u64) -> String {
    let mut parts: Vec<String> = Vec::new();
    let low = value & naming.low_mask;
    let mut high = value & !naming.low_mask;
    if let Some(fam) = naming.flags {
        for (bit, name) in fam.bits(arch, !naming.low_mask) {
            if high & bit != 0 {
                parts.push(name.to_owned());
                high &= !bit;
            }
        }
    }
    if high != 0 {
        parts.push(format!("{high:#x}"));
    }
    if low != 0 || parts.is_empty() {
        let named = naming.low.and_then(|f| f.name(arch, low, naming.low_mask));
        parts.push(match named {
            Some(n) => n.to_owned(),
            None if low < 10 => low.to_string(),
            None => format!("{low:#x}"),
        });
    }
    parts.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(arch: Arch, syscall: &str, value: u64) -> String {
        value_text(arch, &enum_args(syscall)[0].naming, value)
    }

    fn c(arch: Arch, name: &str) -> u64 {
        arch.constant(name).unwrap() as u64
    }

    #[test]
    fn names_come_from_the_tables_and_mean_the_value() {
        for arch in Arch::ALL {
            assert_eq!(text(arch, "socket", c(arch, "AF_UNIX")), "AF_UNIX");
            assert_eq!(text(arch, "socket", c(arch, "AF_INET6")), "AF_INET6");
            let ty = value_text(
                arch,
                &SOCKET[1].naming,
                c(arch, "SOCK_STREAM") | c(arch, "SOCK_CLOEXEC"),
            );
            assert_eq!(ty, "SOCK_CLOEXEC | SOCK_STREAM");
            assert_eq!(text(arch, "fcntl", c(arch, "F_GETFL")), "F_GETFL");
            assert_eq!(text(arch, "fcntl", c(arch, "F_DUPFD")), "F_DUPFD");
            assert_eq!(text(arch, "fcntl", c(arch, "F_SETLK")), "F_SETLK");
            assert_eq!(text(arch, "ioctl", c(arch, "TCGETS")), "TCGETS");
            assert_eq!(text(arch, "ioctl", c(arch, "FIONREAD")), "FIONREAD");
            assert_eq!(text(arch, "ioctl", c(arch, "TIOCGWINSZ")), "TIOCGWINSZ");
            assert_eq!(text(arch, "prctl", c(arch, "PR_SET_NAME")), "PR_SET_NAME");
            assert_eq!(
                text(arch, "prctl", c(arch, "PR_SET_PDEATHSIG")),
                "PR_SET_PDEATHSIG"
            );
            assert_eq!(
                text(arch, "prctl", c(arch, "PR_MCE_KILL_GET")),
                "PR_MCE_KILL_GET"
            );
            let fork = c(arch, "CLONE_CHILD_SETTID") | c(arch, "CLONE_CHILD_CLEARTID") | 17;
            assert_eq!(
                text(arch, "clone", fork),
                "CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD"
            );
            assert_eq!(text(arch, "mmap", c(arch, "PROT_EXEC")), "PROT_EXEC");
            assert_eq!(text(arch, "mmap", 0), "0");
            assert_eq!(text(arch, "openat", c(arch, "O_WRONLY")), "O_WRONLY");
            assert_eq!(text(arch, "openat", 0), "O_RDONLY");
            // No name: a number.
            assert_eq!(text(arch, "ioctl", 0x1234), "0x1234");
            assert_eq!(text(arch, "prctl", 0), "0");
        }
    }

    #[test]
    fn every_prctl_option_and_fcntl_command_name_round_trips() {
        // Whatever name is chosen for a value, the tables give that value back.
        for arch in Arch::ALL {
            for (syscall, range) in [
                ("prctl", 0..80u64),
                ("fcntl", 0..1040),
                ("ioctl", 0x5400..0x5500),
            ] {
                let naming = &enum_args(syscall)[0].naming;
                for v in range {
                    let t = value_text(arch, naming, v);
                    if let Some(n) = arch.constant(&t) {
                        assert_eq!(n as u64 & 0xffff_ffff, v, "{syscall} {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_enum_argument_exists_on_every_arch() {
        for arch in Arch::ALL {
            for name in [
                "socket",
                "socketpair",
                "fcntl",
                "ioctl",
                "prctl",
                "clone",
                "mmap",
                "mprotect",
                "pkey_mprotect",
                "openat",
            ] {
                let def = arch.syscall(name).unwrap();
                for a in enum_args(name) {
                    assert!(resolve(arch, def, a).is_some(), "{arch} {name} {}", a.name);
                }
            }
        }
    }
}
