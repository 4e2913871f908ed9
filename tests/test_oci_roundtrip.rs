//! Import and export of real profiles (Docker's default and the others in `../shared/profiles/`),
//! checked against a reference evaluator of the JSON with runc + libseccomp semantics
//! (`common/profile.rs`, written from the JSON, not through `seccomp_dsl::oci`):
//!
//! - the imported policy decides every input like the original profile, for calls whose
//!   narrow arguments have clean high bits (where libseccomp's 64-bit comparisons and the
//!   kernel's view agree);
//! - the exported profile decides every input like the imported policy, garbage high
//!   bits included (the export is exact);
//! - so export(import(profile)) decides like the profile; and importing the exported
//!   profile again gives the same policy decisions.
//!
//! Inputs: every syscall number of the arch × boundary argument values
//! (`common/inputs.rs`), under Docker's default capabilities, all and none.

mod common;

use common::inputs::inputs;
use common::profile::{RefProfile, real_profiles};
use seccomp_dsl::oci::{self, ExportOptions, Format, ImportOptions};
use seccomp_dsl::{Arch, ArchPolicy, SeccompData, evaluate};

const CAPS: [&str; 3] = ["default", "all", "none"];

fn import(json: &str, arch: Arch, caps: &str) -> ArchPolicy {
    let mut o = ImportOptions::new(arch);
    o.caps = oci::import::parse_caps(caps).unwrap();
    o.caps_label = caps.into();
    let im = oci::import_str(json, &o);
    let text = im
        .text
        .unwrap_or_else(|| panic!("import failed: {:?}", im.findings));
    // Checked, not compiled: the test evaluates the policy (the compiler has its own
    // differential tests).
    let (sources, checked) = seccomp_dsl::check_str("imported.sc", &text);
    assert!(
        !checked
            .diagnostics
            .iter()
            .any(seccomp_dsl::Diagnostic::is_error),
        "{text}\n{}",
        seccomp_dsl::diag::render_all(&checked.diagnostics, &sources, false)
    );
    checked.policy.unwrap().arch(arch).unwrap().clone()
}

/// Whether the importer refuses the profile because runc would (moby's example has an
/// errno libseccomp refuses; `test_libseccomp_oci` checks libseccomp agrees).
fn refused(json: &str, arch: Arch) -> bool {
    let im = oci::import_str(json, &ImportOptions::new(arch));
    if im.has_errors() {
        assert!(
            im.findings
                .iter()
                .any(|f| f.is_error() && f.message.contains("refuse")),
            "{:?}",
            im.findings
        );
    }
    im.has_errors()
}

fn reference(json: &str, arch: Arch, caps: &str) -> RefProfile {
    let caps = oci::import::parse_caps(caps).unwrap();
    let caps: Vec<&str> = caps.iter().map(String::as_str).collect();
    let kernel = oci::import::parse_kernel(arch.kernel_version()).unwrap();
    RefProfile::load(json, arch, &caps, kernel, &|n| arch.syscall(n).is_some())
}

/// Calls on the policy's own arch, below the x32 range (runc handles other ABIs with
/// its own bad-arch action).
fn native(p: &ArchPolicy, sample: usize) -> Vec<SeccompData> {
    inputs(p, sample)
        .into_iter()
        .filter(|d| d.arch == p.arch.audit_arch() && d.nr < 0x4000_0000)
        .filter(|d| p.arch.syscall_by_nr(d.nr).is_some())
        .collect()
}

/// Clears the bits the kernel never reads (the high word of an `int`).
fn clean(p: &ArchPolicy, d: &SeccompData) -> SeccompData {
    let mut d = *d;
    if let Some(def) = p.arch.syscall_by_nr(d.nr) {
        for (i, a) in def.args.iter().enumerate() {
            d.args[i] &= a.width.mask();
        }
    }
    d
}

#[test]
fn import_then_export_of_real_profiles_decides_like_the_profile() {
    let Some(profiles) = real_profiles() else {
        return;
    };
    let mut total = 0usize;
    for path in profiles {
        let json = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for arch in Arch::ALL {
            for caps in CAPS {
                let what = format!("{name} ({arch}, caps {caps})");
                if refused(&json, arch) {
                    continue;
                }
                let policy = import(&json, arch, caps);
                let orig = reference(&json, arch, caps);
                let exported = oci::export(
                    &policy,
                    &ExportOptions {
                        format: Format::Oci,
                        name: "t".into(),
                    },
                )
                .unwrap_or_else(|e| panic!("{what}: export: {e:?}"));
                // Every name the export writes is a syscall of the architecture.
                for r in exported.profile.syscalls.iter().flatten() {
                    for n in r.names.iter().flatten() {
                        assert!(arch.syscall(n).is_some(), "{what}: exported `{n}`");
                    }
                }
                let back = reference(&exported.text, arch, caps);
                let again = import(&exported.text, arch, caps);
                for d in native(&policy, 300) {
                    let sys = arch.syscall_by_nr(d.nr).unwrap().name;
                    let ours = evaluate(&policy, &d).action;
                    // Export is exact: garbage high bits included.
                    assert_eq!(
                        back.decide(sys, &d.args),
                        ours,
                        "{what}: exported profile vs policy on {sys}{:x?}",
                        d.args
                    );
                    assert_eq!(
                        evaluate(&again, &d).action,
                        ours,
                        "{what}: re-imported export on {sys}{:x?}",
                        d.args
                    );
                    // Import agrees with runc on clean calls.
                    let c = clean(&policy, &d);
                    let want = orig.decide(sys, &c.args);
                    assert_eq!(
                        evaluate(&policy, &c).action,
                        want,
                        "{what}: imported policy vs profile on {sys}{:x?}",
                        c.args
                    );
                    assert_eq!(back.decide(sys, &c.args), want, "{what}: round trip");
                    total += 1;
                }
            }
        }
    }
    assert!(total > 50_000, "only {total} inputs");
    eprintln!("{total} inputs checked");
}

#[test]
fn imported_docker_default_matches_the_shared_policy_on_x86_64() {
    // `../shared/profiles/docker-default.x86_64.sc` is Docker's profile resolved by hand;
    // the import must decide every clean call the same way, except for syscalls the
    // profile gained after that file was written (listed, and allowed by the import).
    let Some(root) = testkit::shared("profiles") else {
        return;
    };
    let json = std::fs::read_to_string(root.join("docker-default.json")).unwrap();
    let imported = import(&json, Arch::X86_64, "default");
    let hand = seccomp_dsl::compile_file(&root.join("docker-default.x86_64.sc")).unwrap();
    let hand = hand.policy.unwrap().arch(Arch::X86_64).unwrap().clone();
    let mut newer = Vec::new();
    for d in native(&imported, 200) {
        let c = clean(&imported, &d);
        let (a, b) = (evaluate(&imported, &c).action, evaluate(&hand, &c).action);
        if a != b {
            let name = Arch::X86_64.syscall_by_nr(c.nr).unwrap().name;
            assert!(a.permits(), "{name}{:x?}: import {a}, by hand {b}", c.args);
            newer.push(name);
        }
    }
    newer.dedup();
    assert!(newer.len() < 12, "{newer:?}");
}

#[test]
fn one_docker_profile_for_both_arches_decides_like_each_arch_policy() {
    // Every example policy (both arches): one Docker profile with archMap and
    // includes.arches, resolved by Docker's rules for each arch, decides every input
    // (garbage high bits too) like that arch's policy.
    let mut total = 0;
    for (name, out) in common::corpus::example_policies() {
        let policy = out.policy.as_ref().unwrap();
        if policy.arches.len() < 2 {
            continue;
        }
        let e = oci::export_docker_multi(
            policy,
            &ExportOptions {
                format: Format::Docker,
                name: "t".into(),
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(e.profile.arch_map.as_ref().is_some_and(|m| m.len() == 2));
        for ap in &policy.arches {
            let r = reference(&e.text, ap.arch, "default");
            for d in native(ap, 200) {
                let sys = ap.arch.syscall_by_nr(d.nr).unwrap().name;
                assert_eq!(
                    r.decide(sys, &d.args),
                    evaluate(ap, &d).action,
                    "{name} ({}): {sys}{:x?}",
                    ap.arch,
                    d.args
                );
                total += 1;
            }
        }
    }
    assert!(total > 1_000, "{total}");
}
