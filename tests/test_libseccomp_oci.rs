//! Import and export against libseccomp itself: the profile's rules are handed to
//! libseccomp the way runc does (`matchCall`: rules equal to the default skipped,
//! unknown names skipped, conditions ANDed unless an index repeats), libseccomp's BPF
//! is run in our interpreter, and it must decide like the imported policy on every
//! clean call (narrow arguments with their high bits clear) and like the policy on every
//! call at all, garbage high bits included, when it is given the exported profile.
//!
//! Needs libseccomp-dev; enabled by the `libseccomp` feature (`.ci/run` turns it on).

mod common;

use common::inputs::inputs;
use common::profile::{RefProfile, real_profiles};
use common::scmp;
use libseccomp::{ScmpArch, ScmpArgCompare, ScmpCompareOp, ScmpFilterContext, ScmpSyscall};
use seccomp_dsl::bpf::{SockFilter, interp};
use seccomp_dsl::oci::{self, ExportOptions, Format, ImportOptions};
use seccomp_dsl::{Action, Arch, ArchPolicy, evaluate};

/// libseccomp's filter for a resolved profile, built like runc builds it (native arch).
fn libseccomp_bpf(p: &RefProfile) -> Vec<SockFilter> {
    try_libseccomp(p).unwrap_or_else(|e| panic!("libseccomp refuses the profile: {e}"))
}

/// The same, or libseccomp's error (as runc reports it).
fn try_libseccomp(p: &RefProfile) -> Result<Vec<SockFilter>, libseccomp::error::SeccompError> {
    let mut ctx = ScmpFilterContext::new(scmp::action(p.default))?;
    let arch = scmp::arch(p.arch);
    if arch != ScmpArch::native() {
        ctx.add_arch(arch)?;
        ctx.remove_arch(ScmpArch::native())?;
    }
    for r in &p.rules {
        let Ok(sys) = ScmpSyscall::from_name(&r.name) else {
            continue; // runc: unknown syscall ignored
        };
        let action = scmp::action(r.action);
        if r.conds.is_empty() {
            ctx.add_rule(action, sys)?;
            continue;
        }
        let cmps: Vec<ScmpArgCompare> = r
            .conds
            .iter()
            .map(|(i, op, v, v2)| {
                let (op, datum) = match op.as_str() {
                    "SCMP_CMP_EQ" => (ScmpCompareOp::Equal, *v),
                    "SCMP_CMP_NE" => (ScmpCompareOp::NotEqual, *v),
                    "SCMP_CMP_LT" => (ScmpCompareOp::Less, *v),
                    "SCMP_CMP_LE" => (ScmpCompareOp::LessOrEqual, *v),
                    "SCMP_CMP_GT" => (ScmpCompareOp::Greater, *v),
                    "SCMP_CMP_GE" => (ScmpCompareOp::GreaterEqual, *v),
                    "SCMP_CMP_MASKED_EQ" => (ScmpCompareOp::MaskedEqual(*v), *v2),
                    other => panic!("{other}"),
                };
                ScmpArgCompare::new(*i as u32, op, datum)
            })
            .collect();
        ctx.add_rule_conditional(action, sys, &cmps)?;
    }
    Ok(scmp::export(&ctx))
}

fn resolve(json: &str, arch: Arch, caps: &str) -> RefProfile {
    let caps = oci::import::parse_caps(caps).unwrap();
    let caps: Vec<&str> = caps.iter().map(String::as_str).collect();
    let kernel = oci::import::parse_kernel(arch.kernel_version()).unwrap();
    RefProfile::load(json, arch, &caps, kernel, &|_| true)
}

fn import(json: &str, arch: Arch, caps: &str) -> ArchPolicy {
    let mut o = ImportOptions::new(arch);
    o.caps = oci::import::parse_caps(caps).unwrap();
    let text = oci::import_str(json, &o).text.unwrap();
    let out = seccomp_dsl::compile_str("imported.sc", &text);
    assert!(!out.has_errors(), "{}", out.render_diagnostics(false));
    out.policy.unwrap().arch(arch).unwrap().clone()
}

#[test]
fn import_and_export_agree_with_libseccomp_on_real_real_profiles() {
    let Some(profiles) = real_profiles() else {
        return;
    };
    let mut checked = 0;
    let mut refusals = 0;
    let mut per_arch = std::collections::BTreeMap::new();
    let mut unknown = std::collections::BTreeSet::new();
    for (path, arch) in profiles
        .into_iter()
        .flat_map(|p| Arch::ALL.map(|a| (p.clone(), a)))
    {
        let json = std::fs::read_to_string(&path).unwrap();
        for caps in ["default", "all", "none"] {
            let what = format!("{} ({arch}, caps {caps})", path.display());
            let im = oci::import_str(&json, &ImportOptions::new(arch));
            if im.has_errors() {
                // The importer refuses what runc refuses: libseccomp must refuse it too.
                assert!(
                    try_libseccomp(&resolve(&json, arch, caps)).is_err(),
                    "{what}: import refused {:?} but libseccomp accepts it",
                    im.findings
                );
                refusals += 1;
                continue;
            }
            let policy = import(&json, arch, caps);
            let theirs = libseccomp_bpf(&resolve(&json, arch, caps));
            let exported = oci::export(
                &policy,
                &ExportOptions {
                    format: Format::Oci,
                    name: "t".into(),
                },
            )
            .unwrap()
            .text;
            let from_export = libseccomp_bpf(&resolve(&exported, arch, caps));
            for d in inputs(&policy, 200) {
                // Other ABIs, x32 numbers and -1 get libseccomp's own handling.
                if d.arch != arch.audit_arch() || d.nr >= 0x4000_0000 {
                    continue;
                }
                let Some(def) = arch.syscall_by_nr(d.nr) else {
                    continue;
                };
                // A syscall this libseccomp does not know (newer than it, such as
                // uretprobe for 2.5.4) is ignored by runc: rules naming it are lost.
                if ScmpSyscall::from_name_by_arch(def.name, scmp::arch(arch))
                    .map_or(true, |s| i32::from(s) != d.nr as i32)
                {
                    unknown.insert(def.name);
                    continue;
                }
                let ours = evaluate(&policy, &d).action;
                let got = interp::run(&from_export, &d.to_bytes()).unwrap().ret;
                assert_eq!(
                    Action::from_ret(got),
                    ours,
                    "{what}: libseccomp on the exported profile, {}{:x?}",
                    def.name,
                    d.args
                );
                let mut c = d;
                for (i, a) in def.args.iter().enumerate() {
                    c.args[i] &= a.width.mask();
                }
                let want = Action::from_ret(interp::run(&theirs, &c.to_bytes()).unwrap().ret);
                assert_eq!(
                    evaluate(&policy, &c).action,
                    want,
                    "{what}: imported policy vs libseccomp on {}{:x?}",
                    def.name,
                    c.args
                );
                checked += 1;
                *per_arch.entry(arch).or_insert(0usize) += 1;
            }
        }
    }
    eprintln!(
        "syscalls this libseccomp does not know (runc ignores rules naming them): {unknown:?}"
    );
    assert!(checked > 10_000, "{checked}");
    for arch in Arch::ALL {
        assert!(
            per_arch.get(&arch).is_some_and(|&n| n > 5_000),
            "{arch}: {per_arch:?}"
        );
    }
    assert!(refusals > 0, "the real profiles include one runc refuses");
}

#[test]
fn overlapping_rules_of_different_actions_are_ordered_like_libseccomp() {
    // Random profiles of single-comparison rules on socket (three 32-bit arguments)
    // with different actions that overlap: libseccomp tries them in its own order, not
    // the profile's, and the import must follow it.
    let arch = Arch::native().expect("a supported host");
    let ops = [
        "SCMP_CMP_EQ",
        "SCMP_CMP_NE",
        "SCMP_CMP_LT",
        "SCMP_CMP_LE",
        "SCMP_CMP_GT",
        "SCMP_CMP_GE",
        "SCMP_CMP_MASKED_EQ",
    ];
    let values = [0u64, 1, 2, 5, 6, 0xff, 0xffff_fffe, 0xffff_ffff];
    let actions = [
        r#""action":"SCMP_ACT_ALLOW""#,
        r#""action":"SCMP_ACT_ERRNO","errnoRet":5"#,
        r#""action":"SCMP_ACT_ERRNO","errnoRet":7"#,
        r#""action":"SCMP_ACT_TRAP""#,
    ];
    let probe = [
        0u64,
        1,
        2,
        3,
        5,
        6,
        7,
        0xfe,
        0xff,
        0x100,
        0x8000_0000,
        0xffff_fffe,
        0xffff_ffff,
    ];
    let mut rng = common::inputs::Rng::new(0x5ecc);
    let (mut ordered, mut compared) = (0, 0);
    for _ in 0..300 {
        let n = 2 + rng.next() % 3;
        let mut entries = Vec::new();
        for _ in 0..n {
            let k = 1 + rng.next() % 2;
            let index = rng.next() % 3;
            let cmps: Vec<String> = (0..k)
                .map(|_| {
                    let op = *rng.pick(&ops);
                    let (v, v2) = if op == "SCMP_CMP_MASKED_EQ" {
                        let m = *rng.pick(&values);
                        (m, *rng.pick(&values) & m)
                    } else {
                        (*rng.pick(&values), 0)
                    };
                    format!(r#"{{"index":{index},"value":{v},"valueTwo":{v2},"op":"{op}"}}"#)
                })
                .collect();
            entries.push(format!(
                r#"{{"names":["socket"],{},"args":[{}]}}"#,
                rng.pick(&actions),
                cmps.join(",")
            ));
        }
        let json = format!(
            r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{}]}}"#,
            entries.join(",")
        );
        let im = oci::import_str(&json, &ImportOptions::new(arch));
        if im
            .findings
            .iter()
            .any(|f| f.severity == seccomp_dsl::Severity::Warning)
        {
            continue; // an overlap whose libseccomp order the import does not claim
        }
        let Ok(theirs) = try_libseccomp(&resolve(&json, arch, "default")) else {
            continue; // libseccomp refuses it (runc would too)
        };
        if im
            .findings
            .iter()
            .any(|f| f.message.contains("as libseccomp does"))
        {
            ordered += 1;
        }
        let text = im.text.unwrap();
        let out = seccomp_dsl::compile_str("overlap.sc", &text);
        assert!(!out.has_errors(), "{text}");
        let policy = out.policy.unwrap().arch(arch).unwrap().clone();
        let nr = arch.syscall("socket").unwrap().nr;
        for &a in &probe {
            for &b in &probe {
                for &c in &probe {
                    let d =
                        seccomp_dsl::SeccompData::new(arch.audit_arch(), nr, [a, b, c, 0, 0, 0]);
                    let want = Action::from_ret(interp::run(&theirs, &d.to_bytes()).unwrap().ret);
                    assert_eq!(
                        evaluate(&policy, &d).action,
                        want,
                        "{json}\n{text}\nsocket({a:#x}, {b:#x}, {c:#x})"
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(
        ordered > 30,
        "only {ordered} profiles needed libseccomp's order"
    );
    assert!(compared > 100_000);
}
