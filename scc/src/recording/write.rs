//! Writing a recording: the policy (`.sc`), OCI JSON, and the `--summary` table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::args::{self, EnumArg};
use super::{ArchRecording, ESSENTIAL, Recording, Values};
use seccomp_dsl::groups::BUILTIN_GROUPS;
use seccomp_dsl::policy::Action;
use seccomp_dsl::tables::Arch;

/// Header lines naming a traced command start with this (read back by `read_policy`).
pub(super) const COMMAND_PREFIX: &str = "//   $ ";

/// The condition of one argument: `None` when it is not constrained.
type ArgNames = Option<BTreeSet<String>>;

/// One syscall's rule across the recorded arches.
struct RuleText {
    count: u64,
    /// One per enum argument.
    args: Vec<ArgNames>,
}

/// The per-arch values of one call, as constrained sets of numbers (`None`: any value).
fn constrained(
    arch: Arch,
    rec: &ArchRecording,
    name: &str,
    values: &[Values],
) -> Vec<Option<Vec<u64>>> {
    let def = arch
        .syscall(name)
        .expect("recorded names are in the tables");
    // With clone3 allowed, a condition on clone is no protection (clone3's flags are in
    // memory the filter cannot read): leave clone unconditioned too.
    let clone_open = name == "clone" && rec.calls.contains_key("clone3");
    args::enum_args(name)
        .iter()
        .zip(values)
        .map(|(a, v)| match v {
            Values::Set(set) if !set.is_empty() && !clone_open => {
                let r = args::resolve(arch, def, a)?;
                // Both values of a one-bit mask: no constraint at all.
                if r.single_bit && set.len() == 2 {
                    return None;
                }
                Some(set.iter().copied().collect())
            }
            _ => None,
        })
        .collect()
}

fn rules(rec: &Recording) -> BTreeMap<&'static str, RuleText> {
    let mut out: BTreeMap<&'static str, RuleText> = BTreeMap::new();
    for (&arch, ar) in &rec.arches {
        for (&name, call) in &ar.calls {
            let enum_args = args::enum_args(name);
            let sets = constrained(arch, ar, name, &call.args);
            let names: Vec<ArgNames> = enum_args
                .iter()
                .zip(sets)
                .map(|(a, s)| {
                    s.map(|vals| {
                        vals.into_iter()
                            .map(|v| args::value_text(arch, &a.naming, v))
                            .collect()
                    })
                })
                .collect();
            match out.get_mut(name) {
                None => {
                    out.insert(
                        name,
                        RuleText {
                            count: call.count,
                            args: names,
                        },
                    );
                }
                Some(r) => {
                    r.count += call.count;
                    for (mine, theirs) in r.args.iter_mut().zip(names) {
                        match (mine.as_mut(), theirs) {
                            (Some(a), Some(b)) => a.extend(b),
                            _ => *mine = None,
                        }
                    }
                }
            }
        }
    }
    for name in ESSENTIAL {
        out.entry(name).or_insert(RuleText {
            count: 0,
            args: Vec::new(),
        });
    }
    out
}

fn condition(enum_args: &[EnumArg], names: &[ArgNames]) -> Option<String> {
    let parts: Vec<String> = enum_args
        .iter()
        .zip(names)
        .filter_map(|(a, n)| {
            let n = n.as_ref()?;
            let lhs = match a.mask {
                Some(m) => format!("{} & {m}", a.name),
                None => a.name.to_owned(),
            };
            Some(if n.len() == 1 {
                format!("{lhs} == {}", n.iter().next().unwrap())
            } else {
                let list: Vec<&str> = n.iter().map(String::as_str).collect();
                format!("{lhs} in {{{}}}", list.join(", "))
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" && "))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The section a syscall is listed under: the first built-in group that has it.
fn section(name: &str) -> usize {
    BUILTIN_GROUPS
        .iter()
        .position(|g| g.name != "rust_std" && g.members.contains(&name))
        .unwrap_or(BUILTIN_GROUPS.len())
}

/// The policy: a header naming the commands, `arch`, `default`, then one `allow` rule per
/// syscall, grouped under the built-in group that has it and sorted, each with how often
/// it was seen; `exit_group`, `rt_sigreturn` and `restart_syscall` are always in it.
pub fn write_policy(rec: &Recording, default: &str) -> String {
    let rules = rules(rec);
    let mut s = String::new();
    s.push_str("// Recorded by `scc trace`");
    if !rec.commands.is_empty() {
        s.push_str(" from:");
    }
    s.push('\n');
    for c in &rec.commands {
        // A comment is one line.
        let _ = writeln!(s, "{COMMAND_PREFIX}{}", c.replace(['\n', '\r'], " "));
    }
    let syscalls = rules.values().filter(|r| r.count > 0).count() as u64;
    let _ = writeln!(
        s,
        "// {} of {}. Grow it with `scc trace --merge FILE -o FILE -- CMD...`.",
        plural(rec.total(), "call", "calls"),
        plural(syscalls, "syscall", "syscalls"),
    );
    if !rec.arches.is_empty() {
        let names: Vec<&str> = rec.arches.keys().map(|a| a.name()).collect();
        let _ = writeln!(s, "arch {};", names.join(", "));
    }
    let _ = writeln!(s, "default {default};");

    let mut sections: BTreeMap<usize, Vec<(&str, &RuleText)>> = BTreeMap::new();
    for (name, r) in &rules {
        sections.entry(section(name)).or_default().push((name, r));
    }
    for (i, list) in sections {
        s.push('\n');
        match BUILTIN_GROUPS.get(i) {
            Some(g) => {
                let _ = writeln!(s, "// @{}: {}", g.name, g.description);
            }
            None => s.push_str("// not in a built-in group\n"),
        }
        for (name, r) in list {
            let rule = match condition(args::enum_args(name), &r.args) {
                Some(c) => format!("allow {name}({c});"),
                None => format!("allow {name};"),
            };
            let comment = if r.count == 0 && ESSENTIAL.contains(&name) {
                "needed by every process".to_owned()
            } else {
                plural(r.count, "call", "calls")
            };
            let _ = writeln!(s, "{rule:<40} // {comment}");
        }
    }
    let mut notes = Vec::new();
    for (arch, ar) in &rec.arches {
        for (nr, n) in &ar.unknown {
            notes.push(format!(
                "syscall number {nr} on {arch} ({}): not in the tables of Linux {}, so the default applies to it",
                plural(*n, "call", "calls"),
                arch.kernel_version()
            ));
        }
    }
    for (audit, n) in &rec.foreign {
        notes.push(format!(
            "{} from another ABI (audit arch {audit:#x}): the filter kills them",
            plural(*n, "call", "calls")
        ));
    }
    if rec.foreign_x32 > 0 {
        notes.push(format!(
            "{} of the x32 ABI: the filter kills them",
            plural(rec.foreign_x32, "call", "calls")
        ));
    }
    if !notes.is_empty() {
        s.push_str("\n// Not allowed:\n");
        for n in notes {
            let _ = writeln!(s, "// - {n}");
        }
    }
    s
}

fn oci_action(a: Action) -> (&'static str, Option<u16>) {
    match a {
        Action::KillProcess => ("SCMP_ACT_KILL_PROCESS", None),
        Action::KillThread => ("SCMP_ACT_KILL_THREAD", None),
        Action::Trap => ("SCMP_ACT_TRAP", None),
        Action::Errno(e) => ("SCMP_ACT_ERRNO", Some(e)),
        Action::Trace(d) => ("SCMP_ACT_TRACE", Some(d)),
        Action::Log => ("SCMP_ACT_LOG", None),
        Action::Allow => ("SCMP_ACT_ALLOW", None),
        Action::Notify => ("SCMP_ACT_NOTIFY", None),
    }
}

fn oci_arch(a: Arch) -> &'static str {
    match a {
        Arch::X86_64 => "SCMP_ARCH_X86_64",
        Arch::Aarch64 => "SCMP_ARCH_AARCH64",
    }
}

fn json_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The OCI runtime-spec `linux.seccomp` object (as runc, crun and Docker's `--security-opt
/// seccomp=` read it) for a recording of one architecture. Conditions become one entry per
/// combination of values; a 32-bit argument is compared with `SCMP_CMP_MASKED_EQ` on its
/// low 32 bits, as the kernel reads it.
pub fn write_oci(rec: &Recording, default: Action) -> Result<String, String> {
    let mut arches = rec.arches.iter();
    let (arch, ar) = match (arches.next(), arches.next()) {
        (Some(one), None) => one,
        (None, _) => return Err("nothing was recorded".into()),
        _ => return Err("OCI output needs a recording of one architecture".into()),
    };
    let arch = *arch;
    let mut plain: Vec<&str> = Vec::new();
    let mut entries: Vec<String> = Vec::new();
    for name in ESSENTIAL {
        if !ar.calls.contains_key(name) && arch.syscall(name).is_some() {
            plain.push(name);
        }
    }
    for (&name, call) in &ar.calls {
        let def = arch
            .syscall(name)
            .expect("recorded names are in the tables");
        let sets = constrained(arch, ar, name, &call.args);
        let conds: Vec<(usize, u64, Vec<u64>)> = args::enum_args(name)
            .iter()
            .zip(sets)
            .filter_map(|(a, s)| {
                let r = args::resolve(arch, def, a)?;
                Some((r.index, r.mask, s?))
            })
            .collect();
        if conds.is_empty() {
            plain.push(name);
            continue;
        }
        // Every combination of one value per constrained argument.
        let mut combos: Vec<Vec<String>> = vec![Vec::new()];
        for (index, mask, values) in &conds {
            let mut next = Vec::new();
            for c in &combos {
                for v in values {
                    let arg = if *mask == u64::MAX {
                        format!("{{\"index\": {index}, \"value\": {v}, \"op\": \"SCMP_CMP_EQ\"}}")
                    } else {
                        format!(
                            "{{\"index\": {index}, \"value\": {mask}, \"valueTwo\": {v}, \"op\": \"SCMP_CMP_MASKED_EQ\"}}"
                        )
                    };
                    let mut c = c.clone();
                    c.push(arg);
                    next.push(c);
                }
            }
            combos = next;
        }
        for c in combos {
            entries.push(format!(
                "    {{\"names\": [{}], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{}]}}",
                json_str(name),
                c.join(", ")
            ));
        }
    }
    plain.sort_unstable();
    let names: Vec<String> = plain.iter().map(|n| json_str(n)).collect();
    entries.insert(
        0,
        format!(
            "    {{\"names\": [{}], \"action\": \"SCMP_ACT_ALLOW\"}}",
            names.join(", ")
        ),
    );
    let (action, errno) = oci_action(default);
    let mut s = String::from("{\n");
    let _ = writeln!(s, "  \"defaultAction\": \"{action}\",");
    if let (Action::Errno(_), Some(e)) = (default, errno) {
        let _ = writeln!(s, "  \"defaultErrnoRet\": {e},");
    }
    let _ = writeln!(s, "  \"architectures\": [\"{}\"],", oci_arch(arch));
    let _ = writeln!(s, "  \"syscalls\": [\n{}\n  ]", entries.join(",\n"));
    s.push_str("}\n");
    Ok(s)
}

/// An `strace -c`-style table of how often each syscall was called, most frequent first.
pub fn summary(rec: &Recording) -> String {
    let total = rec.total();
    let many = rec.arches.len() > 1;
    let mut rows: Vec<(u64, String)> = Vec::new();
    for (arch, ar) in &rec.arches {
        for (name, call) in &ar.calls {
            let label = if many {
                format!("{name} ({arch})")
            } else {
                (*name).to_owned()
            };
            rows.push((call.count, label));
        }
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut s = String::new();
    let rule = "------ ----------- ----------------------------\n";
    s.push_str("% calls       calls syscall\n");
    s.push_str(rule);
    for (n, name) in &rows {
        let pct = if total == 0 {
            0.0
        } else {
            100.0 * *n as f64 / total as f64
        };
        let _ = writeln!(s, "{pct:6.2} {n:>11} {name}");
    }
    s.push_str(rule);
    let _ = writeln!(s, "100.00 {total:>11} total ({} syscalls)", rows.len());
    s
}
