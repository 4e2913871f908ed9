//! A reference evaluator of JSON seccomp profiles with runc + libseccomp semantics,
//! written directly from the JSON and independent of `seccomp_dsl::oci`: the oracle the
//! importer and the exporter are tested against.
//!
//! Docker resolves `includes`/`excludes` (capabilities, `amd64`/`arm64`, kernel version);
//! runc skips rules whose action equals the default and names it does not know, ANDs the
//! conditions of an entry, or ORs them all when an argument index repeats; libseccomp
//! lets the first unconditional rule of a syscall decide it, ORs conditional rules, and
//! compares all 64 bits. For conditional rules of different actions that overlap,
//! libseccomp's choice is not file order; the fixtures have none.

#![allow(dead_code)]

use std::path::PathBuf;

use seccomp_dsl::{Action, Arch};
use serde_json::Value;

/// The real profiles the tests run on: every `*.json` under `../shared/profiles/`
/// (Docker's default and ten other public profiles; see the README there for their
/// sources); `None` when `../shared` is absent (the caller's test skips).
pub fn real_profiles() -> Option<Vec<PathBuf>> {
    let dir = testkit::shared("profiles")?;
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    assert!(v.len() >= 11, "expected Docker's profile and 10 others");
    Some(v)
}

/// One comparison: (argument index, operator, value, valueTwo).
pub type Cmp = (usize, String, u64, u64);

/// One libseccomp rule.
#[derive(Clone, Debug)]
pub struct RefRule {
    pub name: String,
    pub action: Action,
    /// ANDed; empty: unconditional.
    pub conds: Vec<Cmp>,
}

/// A profile resolved for one architecture and container.
#[derive(Clone, Debug)]
pub struct RefProfile {
    pub arch: Arch,
    pub default: Action,
    /// In the order runc adds them, already without rules equal to the default.
    pub rules: Vec<RefRule>,
    /// Indexes into `rules` by syscall name.
    pub by_name: std::collections::HashMap<String, Vec<usize>>,
}

fn action(name: &str, errno: Option<u64>) -> Action {
    let data = errno.map(|e| (e & 0xffff) as u16);
    match name {
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => Action::KillThread,
        "SCMP_ACT_KILL_PROCESS" => Action::KillProcess,
        "SCMP_ACT_TRAP" => Action::Trap,
        // The kernel clamps errno data to 4095.
        "SCMP_ACT_ERRNO" => Action::Errno(data.unwrap_or(1).min(4095)),
        "SCMP_ACT_TRACE" => Action::Trace(data.unwrap_or(1)),
        "SCMP_ACT_ALLOW" => Action::Allow,
        "SCMP_ACT_LOG" => Action::Log,
        "SCMP_ACT_NOTIFY" => Action::Notify,
        other => panic!("unknown action {other}"),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn kernel_ok(min: &str, kernel: (u32, u32)) -> bool {
    let mut it = min.split('.').map(|x| x.parse::<u32>().unwrap());
    (it.next().unwrap(), it.next().unwrap()) <= kernel
}

/// Docker's filtering of one entry.
fn applies(e: &Value, arch: &str, caps: &[&str], kernel: (u32, u32)) -> bool {
    if let Some(x) = e.get("excludes") {
        if strings(x.get("arches")).iter().any(|a| a == arch) {
            return false;
        }
        if strings(x.get("caps"))
            .iter()
            .any(|c| caps.contains(&c.as_str()))
        {
            return false;
        }
        if let Some(k) = x.get("minKernel").and_then(Value::as_str) {
            if !k.is_empty() && kernel_ok(k, kernel) {
                return false;
            }
        }
    }
    if let Some(i) = e.get("includes") {
        let arches = strings(i.get("arches"));
        if !arches.is_empty() && !arches.iter().any(|a| a == arch) {
            return false;
        }
        if !strings(i.get("caps"))
            .iter()
            .all(|c| caps.contains(&c.as_str()))
        {
            return false;
        }
        if let Some(k) = i.get("minKernel").and_then(Value::as_str) {
            if !k.is_empty() && !kernel_ok(k, kernel) {
                return false;
            }
        }
    }
    true
}

impl RefProfile {
    /// Resolves a profile as Docker + runc would on `arch` with these capabilities and
    /// kernel. `known` decides which names runc's libseccomp resolves.
    pub fn load(
        json: &str,
        arch: Arch,
        caps: &[&str],
        kernel: (u32, u32),
        known: &dyn Fn(&str) -> bool,
    ) -> RefProfile {
        let p: Value = serde_json::from_str(json).expect("valid JSON");
        let default = action(
            p["defaultAction"].as_str().expect("defaultAction"),
            p.get("defaultErrnoRet").and_then(Value::as_u64),
        );
        let go_arch = match arch {
            Arch::X86_64 => "amd64",
            Arch::Aarch64 => "arm64",
        };
        let mut rules = Vec::new();
        for e in p["syscalls"].as_array().into_iter().flatten() {
            if !applies(e, go_arch, caps, kernel) {
                continue;
            }
            let a = action(
                e["action"].as_str().unwrap(),
                e.get("errnoRet").and_then(Value::as_u64),
            );
            if a == default {
                continue;
            }
            let mut names = strings(e.get("names"));
            if let Some(n) = e.get("name").and_then(Value::as_str) {
                names.push(n.to_owned());
            }
            let cmps: Vec<Cmp> = e
                .get("args")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        c["index"].as_u64().unwrap() as usize,
                        c["op"].as_str().unwrap().to_owned(),
                        c["value"].as_u64().unwrap(),
                        c.get("valueTwo").and_then(Value::as_u64).unwrap_or(0),
                    )
                })
                .collect();
            let mut counts = [0; 6];
            for c in &cmps {
                counts[c.0] += 1;
            }
            let groups: Vec<Vec<Cmp>> = if counts.iter().any(|&n| n > 1) {
                cmps.iter().map(|c| vec![c.clone()]).collect()
            } else {
                vec![cmps]
            };
            for n in names.iter().filter(|n| known(n)) {
                for g in &groups {
                    rules.push(RefRule {
                        name: n.clone(),
                        action: a,
                        conds: g.clone(),
                    });
                }
            }
        }
        let mut by_name: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, r) in rules.iter().enumerate() {
            by_name.entry(r.name.clone()).or_default().push(i);
        }
        RefProfile {
            arch,
            default,
            rules,
            by_name,
        }
    }

    /// The action for a call of `name` (libseccomp semantics, 64-bit comparisons).
    pub fn decide(&self, name: &str, args: &[u64; 6]) -> Action {
        let mine: Vec<&RefRule> = match self.by_name.get(name) {
            Some(ix) => ix.iter().map(|&i| &self.rules[i]).collect(),
            None => Vec::new(),
        };
        // libseccomp generates nothing for MASKED_EQ with a zero mask: a rule left
        // without comparisons is unconditional.
        let unconditional = |r: &&&RefRule| {
            r.conds
                .iter()
                .all(|(_, op, v, _)| op == "SCMP_CMP_MASKED_EQ" && *v == 0)
        };
        if let Some(u) = mine.iter().find(unconditional) {
            return u.action;
        }
        for r in mine {
            if r.conds.iter().all(|(i, op, v, v2)| {
                let x = args[*i];
                match op.as_str() {
                    "SCMP_CMP_EQ" => x == *v,
                    "SCMP_CMP_NE" => x != *v,
                    "SCMP_CMP_LT" => x < *v,
                    "SCMP_CMP_LE" => x <= *v,
                    "SCMP_CMP_GT" => x > *v,
                    "SCMP_CMP_GE" => x >= *v,
                    // libseccomp masks the expected value too.
                    "SCMP_CMP_MASKED_EQ" => x & *v == *v2 & *v,
                    other => panic!("unknown op {other}"),
                }
            }) {
                return r.action;
            }
        }
        self.default
    }
}
