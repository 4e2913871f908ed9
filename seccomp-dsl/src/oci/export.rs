//! A checked policy → an OCI `linux.seccomp` object, a Docker profile, or a Security
//! Profiles Operator `SeccompProfile`.
//!
//! The policy's first-match-wins rules cannot be written as they are: libseccomp (which
//! runc and crun hand the profile to) has no order between rules of one syscall, lets
//! an unconditional rule override every conditional one, compares one condition per
//! argument per rule, and compares all 64 bits of an argument. So the exporter computes,
//! per syscall, the exact set of argument vectors that gets each action
//! ([`crate::region::decide`]): disjoint sets, so libseccomp's precedence never comes into
//! play. Each set is a union of boxes, each box one rule whose conditions are one
//! `SCMP_CMP_MASKED_EQ` (or `SCMP_CMP_EQ` on a full 64-bit argument) per argument.
//! Masks include the argument's width, so a 32-bit argument is compared on its low word
//! only, exactly as the policy (and the kernel) does: the profile decides every call the
//! way the compiled filter does, garbage high bits included. `||` across arguments, `in`
//! sets, `!=` and ranges are expanded this way; a condition that would need more than
//! [`crate::region::LIMIT`] rules is an error.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::profile::{ArgCmp, Profile, SyscallRule};
use super::{EPERM, Finding, scmp_action, scmp_arch};
use crate::diag::Severity;
use crate::policy::ArchPolicy;
use crate::region::{Cube, decide};
use crate::tables::SyscallDef;
use crate::{Action, Arch};

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The OCI runtime spec's `linux.seccomp` object (runc, crun, containerd, Podman).
    Oci,
    /// A Docker profile (`--security-opt seccomp=...`): the OCI object plus a `comment`
    /// per rule with its condition in the policy language.
    Docker,
    /// A Security Profiles Operator `SeccompProfile` (YAML).
    Spo,
}

/// How to export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub format: Format,
    /// `metadata.name` of a `SeccompProfile`.
    pub name: String,
}

/// The exported text and what the reader should know.
#[derive(Clone, Debug)]
pub struct Exported {
    pub text: String,
    pub profile: Profile,
    pub findings: Vec<Finding>,
}

/// One comparison as the language writes it, for comments.
fn cube_text(sys: &SyscallDef, arg: usize, c: Cube) -> String {
    let def = sys.args.get(arg);
    let name = def
        .map(|d| d.name)
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("arg{arg}"), str::to_owned);
    let wm = def.map_or(u64::MAX, |d| d.width.mask());
    let v = if c.value < 0x1_0000 {
        c.value.to_string()
    } else {
        format!("{:#x}", c.value)
    };
    if c.mask == wm {
        format!("{name} == {v}")
    } else {
        format!("{name} & {:#x} == {v}", c.mask)
    }
}

/// The profile of one architecture of a policy.
pub fn export(policy: &ArchPolicy, opts: &ExportOptions) -> Result<Exported, Vec<Finding>> {
    let arch = policy.arch;
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let default = policy.default;
    if default == Action::Notify {
        errors.push(Finding::new(
            Severity::Error,
            "default",
            "`default notify` cannot be exported: runc and crun refuse SCMP_ACT_NOTIFY as the default action",
        ));
    }
    if opts.format == Format::Spo && matches!(default, Action::Errno(e) if e != EPERM) {
        errors.push(Finding::new(
            Severity::Error,
            "default",
            format!("a SeccompProfile has no defaultErrnoRet: `default {default}` would become errno(EPERM)"),
        ));
    }
    for a in std::iter::once(default).chain(policy.rules.iter().map(|r| r.action)) {
        if let Action::Errno(e @ 4095..) = a {
            errors.push(Finding::new(
                Severity::Error,
                "",
                format!("errno({e}): libseccomp refuses errno values from 4095 up (runc and crun would refuse the profile)"),
            ));
            break;
        }
    }
    // (action, conditions) → names, and the comments of conditional rules.
    type Key = (Action, Vec<(u32, &'static str, u64, u64)>);
    let mut groups: BTreeMap<Key, Vec<&'static str>> = BTreeMap::new();
    let mut comments: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    let mut nrs: Vec<u32> = policy.rules.iter().map(|r| r.nr()).collect();
    nrs.sort_unstable();
    nrs.dedup();
    let mut notify = false;
    for nr in nrs {
        let sys = policy
            .rules_for(nr)
            .next()
            .map(|(_, r)| r.syscall)
            .expect("a rule of this number");
        let regions = match decide(policy, nr) {
            Ok(r) => r,
            Err(_) => {
                errors.push(Finding::new(
                    Severity::Error,
                    sys.name,
                    format!(
                        "the conditions of `{}` need more than {} libseccomp rules; simplify them",
                        sys.name,
                        crate::region::LIMIT
                    ),
                ));
                continue;
            }
        };
        for (action, region) in regions {
            if action == default {
                continue;
            }
            if action == Action::Notify {
                notify = true;
                if sys.name == "write" {
                    errors.push(Finding::new(
                        Severity::Error,
                        sys.name,
                        "runc refuses SCMP_ACT_NOTIFY for `write` (it needs write to hand the listener over)",
                    ));
                }
            }
            for conj in &region.conjs {
                let mut args = Vec::new();
                let mut text = Vec::new();
                for (i, c) in conj.iter().enumerate() {
                    if c.mask == 0 {
                        continue;
                    }
                    text.push(cube_text(sys, i, *c));
                    let (op, value, value_two) = if c.mask == u64::MAX {
                        ("SCMP_CMP_EQ", c.value, 0)
                    } else {
                        ("SCMP_CMP_MASKED_EQ", c.mask, c.value)
                    };
                    args.push((i as u32, op, value, value_two));
                }
                let key = (action, args);
                let names = groups.entry(key.clone()).or_default();
                if !names.contains(&sys.name) {
                    names.push(sys.name);
                }
                if !text.is_empty() {
                    comments.entry(key).or_default().push(format!(
                        "{action} {}({})",
                        sys.name,
                        text.join(" && ")
                    ));
                }
            }
        }
    }
    if notify {
        findings.push(Finding::new(
            Severity::Warning,
            "",
            "the policy uses `notify`: set linux.seccomp.listenerPath to the agent's socket (runc and crun need it)",
        ));
    }
    // Validate: every name written is a syscall of the architecture (runc and crun skip
    // unknown names silently, which would drop a rule unseen).
    for names in groups.values() {
        for n in names {
            if arch.syscall(n).is_none() {
                errors.push(Finding::new(
                    Severity::Error,
                    *n,
                    format!("`{n}` is not a syscall of {arch}"),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut syscalls = Vec::new();
    for (key, mut names) in groups {
        names.sort_unstable();
        let (name, errno) = scmp_action(key.0);
        let comment = match opts.format {
            Format::Docker => comments.get(&key).map(|c| c.join("; ")),
            _ => None,
        };
        syscalls.push(SyscallRule {
            names: Some(names.iter().map(|s| s.to_string()).collect()),
            action: name.to_owned(),
            errno_ret: errno,
            args: (!key.1.is_empty()).then(|| {
                key.1
                    .iter()
                    .map(|&(index, op, value, value_two)| ArgCmp {
                        index,
                        value,
                        value_two,
                        op: op.to_owned(),
                        unknown: BTreeMap::new(),
                    })
                    .collect()
            }),
            comment,
            ..SyscallRule::default()
        });
    }
    // Unconditional rules first, then the conditional ones by syscall.
    syscalls.sort_by(|a, b| (a.args.is_some(), &a.names).cmp(&(b.args.is_some(), &b.names)));
    let (dname, derrno) = scmp_action(default);
    let profile = Profile {
        default_action: Some(dname.to_owned()),
        default_errno_ret: match default {
            Action::Errno(_) | Action::Trace(_) => derrno,
            _ => None,
        },
        architectures: Some(vec![scmp_arch(arch).to_owned()]),
        syscalls: Some(syscalls),
        ..Profile::default()
    };
    let text = match opts.format {
        Format::Oci | Format::Docker => {
            let mut s = serde_json::to_string_pretty(&profile).expect("serialisable");
            s.push('\n');
            s
        }
        Format::Spo => spo_yaml(&profile, &opts.name),
    };
    Ok(Exported {
        text,
        profile,
        findings,
    })
}

/// A Docker profile for every architecture of a policy: one `archMap` entry per
/// architecture, rules common to all of them without condition, the others with
/// `includes.arches` (Docker keeps them only on that architecture). runc and crun do not
/// read `includes`: this form is for Docker only.
pub fn export_docker_multi(
    policy: &crate::Policy,
    opts: &ExportOptions,
) -> Result<Exported, Vec<Finding>> {
    let mut per_arch = Vec::new();
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for ap in &policy.arches {
        match export(ap, opts) {
            Ok(e) => {
                findings.extend(e.findings);
                per_arch.push((ap.arch, e.profile));
            }
            Err(e) => errors.extend(e.into_iter().map(|mut f| {
                f.path = format!("{} ({})", f.path, ap.arch);
                f
            })),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Per syscall name and rule shape (action, errno, conditions), the arches that have
    // it; then one rule per shape and set of arches, with all its names.
    let shape = |r: &SyscallRule| {
        let mut t = r.clone();
        t.names = None;
        t.comment = None;
        serde_json::to_string(&t).expect("serialisable")
    };
    type Shape = (String, Vec<Arch>);
    let mut order: Vec<Shape> = Vec::new();
    let mut groups: BTreeMap<Shape, (SyscallRule, Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut arches_of: BTreeMap<(String, String), Vec<Arch>> = BTreeMap::new();
    let mut templates: BTreeMap<(String, String), SyscallRule> = BTreeMap::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (arch, p) in &per_arch {
        for r in p.syscalls.iter().flatten() {
            let comments: Vec<&str> = r
                .comment
                .as_deref()
                .map_or(Vec::new(), |c| c.split("; ").collect());
            for n in r.names.iter().flatten() {
                let k = (shape(r), n.clone());
                if !arches_of.contains_key(&k) {
                    pairs.push(k.clone());
                }
                arches_of.entry(k.clone()).or_default().push(*arch);
                let mut t = r.clone();
                t.names = None;
                t.comment = comments
                    .iter()
                    .find(|c| c.contains(&format!(" {n}(")))
                    .map(|c| c.to_string());
                templates.entry(k).or_insert(t);
            }
        }
    }
    for k in pairs {
        let arches = arches_of[&k].clone();
        let g = (k.0.clone(), arches.clone());
        let t = &templates[&k];
        let entry = groups.entry(g.clone()).or_insert_with(|| {
            order.push(g.clone());
            (t.clone(), Vec::new(), Vec::new())
        });
        entry.1.push(k.1.clone());
        if let Some(c) = &t.comment {
            entry.2.push(c.clone());
        }
    }
    let all = per_arch.len();
    let mut syscalls: Vec<SyscallRule> = Vec::new();
    for g in order {
        let (mut r, mut names, comments) = groups.remove(&g).expect("grouped");
        names.sort();
        r.names = Some(names);
        r.comment = (!comments.is_empty()).then(|| comments.join("; "));
        if g.1.len() < all {
            r.includes = Some(super::profile::Filter {
                arches: Some(
                    g.1.iter()
                        .map(|a| super::docker_arch(*a).to_owned())
                        .collect(),
                ),
                ..Default::default()
            });
        }
        syscalls.push(r);
    }
    syscalls.sort_by(|a, b| {
        (a.args.is_some(), a.includes.is_some(), &a.names).cmp(&(
            b.args.is_some(),
            b.includes.is_some(),
            &b.names,
        ))
    });
    let first = &per_arch[0].1;
    let profile = Profile {
        default_action: first.default_action.clone(),
        default_errno_ret: first.default_errno_ret,
        arch_map: Some(
            per_arch
                .iter()
                .map(|(a, _)| super::profile::ArchMapEntry {
                    architecture: scmp_arch(*a).to_owned(),
                    sub_architectures: Some(Vec::new()),
                    unknown: BTreeMap::new(),
                })
                .collect(),
        ),
        syscalls: Some(syscalls),
        ..Profile::default()
    };
    let mut text = serde_json::to_string_pretty(&profile).expect("serialisable");
    text.push('\n');
    Ok(Exported {
        text,
        profile,
        findings,
    })
}

/// A `SeccompProfile` custom resource (the Security Profiles Operator
/// it has no `defaultErrnoRet`).
fn spo_yaml(p: &Profile, name: &str) -> String {
    let mut y = String::new();
    let _ = writeln!(y, "apiVersion: security-profiles-operator.x-k8s.io/v1");
    let _ = writeln!(y, "kind: SeccompProfile");
    let _ = writeln!(y, "metadata:\n  name: {}", yaml_str(name));
    let _ = writeln!(y, "spec:");
    let _ = writeln!(
        y,
        "  defaultAction: {}",
        p.default_action.as_deref().unwrap_or("")
    );
    if let Some(a) = &p.architectures {
        let _ = writeln!(y, "  architectures:");
        for x in a {
            let _ = writeln!(y, "  - {x}");
        }
    }
    let _ = writeln!(y, "  syscalls:");
    for r in p.syscalls.iter().flatten() {
        let _ = writeln!(y, "  - action: {}", r.action);
        if let Some(e) = r.errno_ret {
            let _ = writeln!(y, "    errnoRet: {e}");
        }
        let _ = writeln!(y, "    names:");
        for n in r.names.iter().flatten() {
            let _ = writeln!(y, "    - {n}");
        }
        if let Some(args) = &r.args {
            let _ = writeln!(y, "    args:");
            for a in args {
                let _ = writeln!(y, "    - index: {}", a.index);
                let _ = writeln!(y, "      value: {}", a.value);
                if a.value_two != 0 {
                    let _ = writeln!(y, "      valueTwo: {}", a.value_two);
                }
                let _ = writeln!(y, "      op: {}", a.op);
            }
        }
    }
    y
}

/// A Kubernetes name as a plain or quoted YAML scalar.
fn yaml_str(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        s.to_owned()
    } else {
        format!("{s:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exported(src: &str) -> Profile {
        let out = crate::compile_str("t.sc", src);
        assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
        let p = out.policy.unwrap();
        let ap = p.arch(Arch::X86_64).unwrap();
        export(
            ap,
            &ExportOptions {
                format: Format::Oci,
                name: "t".into(),
            },
        )
        .unwrap()
        .profile
    }

    #[test]
    fn first_match_across_actions_becomes_disjoint_rules() {
        let p = exported(
            "arch x86_64; default allow; errno(EPERM) socket(domain == AF_NETLINK && protocol == 9); \
             kill_process socket(domain == AF_NETLINK || type == 3); errno(EPERM) mkdir, mkdirat;",
        );
        let rules = p.syscalls.unwrap();
        assert_eq!(rules[0].names.as_ref().unwrap(), &["mkdir", "mkdirat"]);
        assert_eq!(rules[0].errno_ret, Some(1));
        // The kill region must exclude the errno one: no MASKED_EQ-only kill rule on
        // domain alone can match protocol 9.
        for r in &rules[1..] {
            let args = r.args.as_ref().unwrap();
            let mut seen = [0; 6];
            for a in args {
                seen[a.index as usize] += 1;
            }
            assert!(
                seen.iter().all(|&n| n <= 1),
                "one comparison per argument: {r:?}"
            );
        }
    }

    #[test]
    fn spo_refuses_an_errno_default_it_cannot_say() {
        let out = crate::compile_str("t.sc", "arch x86_64; default errno(ENOSYS); allow read;");
        let p = out.policy.unwrap();
        let e = export(
            p.arch(Arch::X86_64).unwrap(),
            &ExportOptions {
                format: Format::Spo,
                name: "x".into(),
            },
        )
        .unwrap_err();
        assert!(e[0].message.contains("defaultErrnoRet"), "{e:?}");
    }
}
