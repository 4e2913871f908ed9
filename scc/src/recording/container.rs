//! Recording a container: the `io.containers.trace-syscall` request, the recording
//! profile the runtime installs for it, reading the `if:` profile and writing the result.
//!
//! The container runtime (runc, crun) sets the container up (mounts, `pivot_root`,
//! `sethostname`, ...) and installs `linux.seccomp` only at the end, right before it
//! execs the container's program. The recording profile answers every syscall with
//! `SCMP_ACT_NOTIFY` and names a `listenerPath`: the runtime then passes the filter's
//! user-notification fd (and the container's state) to whoever listens on that unix
//! socket. The recorder (`scc hook`, in the `scc` binary) records each call and lets it
//! run (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`), exactly as `scc trace` does on the host. So
//! what is recorded is precisely what the recorded profile will have to allow: what the
//! runtime does after installing it (e.g. `capset`, `setgroups` and the final `execve`)
//! and everything the container's processes and threads do, and never the set-up before.
//!
//! Nothing here does I/O: the `scc` binary reads and writes the files.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{ArgMode, Recording, read_policy, write_oci, write_policy};
use seccomp_dsl::oci::{ImportOptions, import_str};
use seccomp_dsl::policy::Action;
use seccomp_dsl::tables::Arch;

/// The annotation that asks for a recording (the one oci-seccomp-bpf-hook reads).
pub const ANNOTATION: &str = "io.containers.trace-syscall";

/// The environment variable that asks for a recording where there are no annotations
/// (Docker 20.10): the same value as [`ANNOTATION`]. The recorder removes it from the
/// container's environment.
pub const ENV: &str = "SCC_TRACE_SYSCALL";

/// Syscalls the recording profile lets through without asking, so never recorded:
/// runc refuses to install a profile that notifies `write` (it writes the listener's
/// number to its parent after installing the filter, so it would wait for itself), and
/// a signal arriving while `rt_sigreturn` or `restart_syscall` wait for an answer would
/// break the return from the handler.
pub const UNASKED: [&str; 3] = ["write", "rt_sigreturn", "restart_syscall"];

/// The flags Go's runtime creates a thread with (`newosproc`).
pub const GO_THREAD_FLAGS: [&str; 6] = [
    "CLONE_VM",
    "CLONE_FS",
    "CLONE_FILES",
    "CLONE_SIGHAND",
    "CLONE_SYSVSEM",
    "CLONE_THREAD",
];

/// What runc may do after installing the profile and before the container's program
/// starts, which one recording may not show, so every recorded profile allows it (each
/// as a call with these arguments, so `--args enums` keeps its conditions):
/// - `write`: runc writes the listener's number to its parent and a byte to the exec
///   fifo; the recording profile cannot notify it (see [`UNASKED`]).
/// - What Go's runtime does on runc's thread between its own calls, depending on
///   scheduling: `futex` (waking or waiting for another thread), `nanosleep` and
///   `sched_yield` (backing off), `mmap` (no `PROT_EXEC`), `munmap`, `madvise`
///   (memory), `clone` with Go's thread flags and what a new thread does first
///   (`sigaltstack`, `rt_sigprocmask`, `gettid`, `arch_prctl` on x86_64), `getpid`
///   and `tgkill` (preempting a goroutine). Seen missing: a later run of the container
///   dies in runc with `futexwakeup ... returned -1`.
pub fn runtime_calls(arch: Arch) -> Vec<(&'static str, [u64; 6])> {
    let c = |name: &str| arch.constant(name).unwrap_or(0) as u64;
    let go_thread = GO_THREAD_FLAGS.iter().fold(0, |acc, n| acc | c(n));
    let rw = c("PROT_READ") | c("PROT_WRITE");
    [
        ("write", [0; 6]),
        ("futex", [0; 6]),
        ("nanosleep", [0; 6]),
        ("sched_yield", [0; 6]),
        ("mmap", [0, 0, rw, 0, 0, 0]),
        ("munmap", [0; 6]),
        ("madvise", [0; 6]),
        ("clone", [go_thread, 0, 0, 0, 0, 0]),
        ("sigaltstack", [0; 6]),
        ("rt_sigprocmask", [0; 6]),
        ("gettid", [0; 6]),
        ("arch_prctl", [0; 6]),
        ("getpid", [0; 6]),
        ("tgkill", [0; 6]),
    ]
    .into_iter()
    .filter(|(name, _)| arch.syscall(name).is_some())
    .collect()
}

/// The comment a recorded `.sc` policy explains its `0 calls` rules with.
const RUNTIME_NOTE: &str = "// In a container (scc hook): rules with `0 calls` are what runc may do after\n\
                            // installing the profile, before the program starts (README: Recording a container).\n";

/// The errno of the recorded profile's default action (`SCMP_ACT_ERRNO`, as
/// oci-seccomp-bpf-hook writes it): a call the recording did not see fails with
/// "Operation not permitted".
pub const DEFAULT_ERRNO: u16 = 1;

/// What the recorded profile is written as, from the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.sc`: a policy in this language, with the `--args enums` conditions.
    Sc,
    /// `.json`: an OCI/Docker profile.
    Oci,
}

/// A parsed annotation: `of:PATH`, optionally `;if:PATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Where the recorded profile goes.
    pub output: PathBuf,
    pub format: Format,
    /// A profile or policy the recording is merged with (may be the output itself).
    pub input: Option<PathBuf>,
}

/// Parses the annotation's value: `of:PATH`, `if:PATH;of:PATH` (in either order).
/// Paths must be absolute (the hook and the runtime run in other directories than the
/// user); the output must end in `.json` or `.sc`, the input too.
pub fn parse_request(value: &str) -> Result<Request, String> {
    let mut output = None;
    let mut input = None;
    for part in value.split(';') {
        let part = part.trim();
        let (slot, path, what) = if let Some(p) = part.strip_prefix("of:") {
            (&mut output, p, "of:")
        } else if let Some(p) = part.strip_prefix("if:") {
            (&mut input, p, "if:")
        } else {
            return Err(format!(
                "`{part}`: each `;`-separated part must start with `of:` (the output file) or `if:` (a profile to merge with)"
            ));
        };
        let path = PathBuf::from(path.trim());
        if !path.is_absolute() {
            return Err(format!(
                "`{what}{}`: the path must be absolute",
                path.display()
            ));
        }
        if slot.replace(path).is_some() {
            return Err(format!("`{what}` is given twice"));
        }
    }
    let output: PathBuf =
        output.ok_or("no `of:PATH`: the output file is mandatory, e.g. `of:/tmp/profile.json`")?;
    let format = format_of(&output).ok_or_else(|| {
        format!(
            "`of:{}`: the output format follows the extension: `.json` (OCI/Docker profile) or `.sc` (policy)",
            output.display()
        )
    })?;
    if let Some(i) = &input {
        if format_of(i).is_none() {
            return Err(format!(
                "`if:{}`: the input must be a `.json` profile or a `.sc` policy",
                i.display()
            ));
        }
    }
    Ok(Request {
        output,
        format,
        input,
    })
}

/// The format a file's extension names.
pub fn format_of(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()? {
        "json" => Some(Format::Oci),
        "sc" => Some(Format::Sc),
        _ => None,
    }
}

/// Takes the request out of an OCI runtime config: the annotation, else the
/// [`ENV`] variable of `process.env`, which is removed either way (the container's
/// program never sees it). `None`: nothing asks for a recording. The raw value comes
/// with the result, for messages.
pub fn take_request(config: &mut Value) -> Option<(String, Result<Request, String>)> {
    let mut from_env = None;
    if let Some(env) = config
        .get_mut("process")
        .and_then(|p| p.get_mut("env"))
        .and_then(Value::as_array_mut)
    {
        let prefix = format!("{ENV}=");
        env.retain(|v| match v.as_str().and_then(|s| s.strip_prefix(&prefix)) {
            Some(value) => {
                from_env = Some(value.to_owned());
                false
            }
            None => true,
        });
    }
    let annotation = config
        .get("annotations")
        .and_then(|a| a.get(ANNOTATION))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let raw = annotation.or(from_env)?;
    let parsed = parse_request(&raw);
    Some((raw, parsed))
}

/// The container's command (`process.args`), for the policy's header.
pub fn command(config: &Value) -> Option<Vec<String>> {
    config
        .get("process")?
        .get("args")?
        .as_array()?
        .iter()
        .map(|a| a.as_str().map(str::to_owned))
        .collect()
}

/// The `linux.seccomp` object that records: every syscall of `arch` notifies, except
/// [`UNASKED`]; the listener goes to `listener`. Its default (for numbers the runtime's
/// libseccomp does not know) is `ENOSYS`, what runc gives such calls under the recorded
/// profile too, so a program falls back to the older call during the recording as it
/// will later.
pub fn recording_profile(arch: Arch, listener: &Path) -> Value {
    let notify: Vec<&str> = arch
        .syscalls()
        .iter()
        .map(|s| s.name)
        .filter(|n| !UNASKED.contains(n))
        .collect();
    json!({
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": ENOSYS,
        "architectures": [oci_arch(arch)],
        "listenerPath": listener.to_string_lossy(),
        "syscalls": [
            {"names": notify, "action": "SCMP_ACT_NOTIFY"},
            {"names": UNASKED, "action": "SCMP_ACT_ALLOW"},
        ],
    })
}

/// `ENOSYS`, the same number on every architecture the tables have.
const ENOSYS: u16 = 38;

fn oci_arch(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "SCMP_ARCH_X86_64",
        Arch::Aarch64 => "SCMP_ARCH_AARCH64",
    }
}

/// Puts the recording profile into an OCI runtime config (replacing its profile: the
/// recorded one replaces it too).
pub fn install_recording_profile(
    config: &mut Value,
    arch: Arch,
    listener: &Path,
) -> Result<(), String> {
    let root = config
        .as_object_mut()
        .ok_or("the runtime config is not a JSON object")?;
    let linux = root.entry("linux").or_insert_with(|| json!({}));
    let linux = linux
        .as_object_mut()
        .ok_or("the runtime config's `linux` is not an object")?;
    linux.insert("seccomp".into(), recording_profile(arch, listener));
    Ok(())
}

/// Reads an `if:` file (its text; `name` for messages) into a recording: a `.sc` policy
/// written by `scc trace` or `scc hook`, or a JSON profile whose rules only allow
/// (oci-seccomp-bpf-hook's, ours), as `scc trace --merge` reads them.
pub fn read_input(name: &str, text: &str, arch: Arch) -> Result<Recording, String> {
    let policy_text = match format_of(Path::new(name)) {
        Some(Format::Oci) => {
            let mut opts = ImportOptions::new(arch);
            opts.source = name.to_owned();
            let im = import_str(text, &opts);
            let errors: Vec<String> = im
                .findings
                .iter()
                .filter(|f| f.is_error())
                .map(|f| f.to_string())
                .collect();
            match im.text {
                Some(t) if errors.is_empty() => t,
                _ => return Err(format!("not a seccomp profile: {}", errors.join("; "))),
            }
        }
        _ => text.to_owned(),
    };
    let out = seccomp_dsl::compile_str(name, &policy_text);
    if out.has_errors() {
        return Err(format!(
            "not a policy:\n{}",
            out.render_diagnostics(false).trim_end()
        ));
    }
    let policy = out.policy.as_ref().expect("no errors, so a policy");
    let mut rec = read_policy(policy, &out.sources)?;
    if format_of(Path::new(name)) == Some(Format::Oci) {
        // The default of a JSON profile is not the recorded policy's.
        rec.default = None;
    }
    Ok(rec)
}

/// Adds [`runtime_calls`] to a recording of `arch`, counting no call (none was seen).
pub fn add_runtime_calls(rec: &mut Recording, arch: Arch) {
    for (name, args) in runtime_calls(arch) {
        let nr = arch
            .syscall(name)
            .expect("filtered to the arch's syscalls")
            .nr;
        rec.record(arch.audit_arch(), nr, &args, ArgMode::Enums);
        if let Some(call) = rec
            .arches
            .get_mut(&arch)
            .and_then(|a| a.calls.get_mut(name))
        {
            call.count -= 1;
        }
    }
}

/// The recorded profile in the request's format: JSON with the default
/// `SCMP_ACT_ERRNO` (EPERM), or a policy whose default is the `if:` policy's, else
/// `errno(EPERM)`, the same meaning.
pub fn render(rec: &Recording, format: Format) -> Result<String, String> {
    match format {
        Format::Oci => write_oci(rec, Action::Errno(DEFAULT_ERRNO)),
        Format::Sc => {
            let default = rec.default.clone().unwrap_or_else(|| "errno(EPERM)".into());
            let text = write_policy(rec, &default);
            // Say where the calls nobody saw come from, before the first statement.
            let at = text.find("\narch ").map_or(0, |i| i + 1);
            Ok(format!("{}{RUNTIME_NOTE}{}", &text[..at], &text[at..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::Values;

    #[test]
    fn requests_parse_like_oci_seccomp_bpf_hook() {
        let r = parse_request("of:/tmp/ls.json").unwrap();
        assert_eq!(r.output, Path::new("/tmp/ls.json"));
        assert_eq!((r.format, r.input), (Format::Oci, None));
        let r = parse_request(" if:/a/in.json ; of:/b/out.sc ").unwrap();
        assert_eq!(r.input.as_deref(), Some(Path::new("/a/in.json")));
        assert_eq!(r.format, Format::Sc);
        for (bad, says) in [
            ("", "must start with `of:`"),
            ("if:/a.json", "mandatory"),
            ("of:ls.json", "absolute"),
            ("of:/a.json;of:/b.json", "twice"),
            ("of:/a.txt", "extension"),
            ("of:/a.json;if:/b.yaml", "`.json` profile or a `.sc` policy"),
            ("of:/a.json;", "must start with"),
            ("output:/a.json", "must start with"),
        ] {
            let e = parse_request(bad).unwrap_err();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
    }

    #[test]
    fn the_request_comes_from_the_annotation_or_the_environment_which_loses_it() {
        let mut c = json!({"annotations": {ANNOTATION: "of:/x.json"},
                           "process": {"env": ["PATH=/bin", format!("{ENV}=of:/y.sc")], "args": ["ls", "/"]}});
        let (raw, r) = take_request(&mut c).unwrap();
        assert_eq!(raw, "of:/x.json");
        assert_eq!(r.unwrap().output, Path::new("/x.json"));
        assert_eq!(c["process"]["env"], json!(["PATH=/bin"]));
        assert_eq!(command(&c).unwrap(), ["ls", "/"]);
        let mut c = json!({"process": {"env": [format!("{ENV}=of:/y.sc")]}});
        assert_eq!(take_request(&mut c).unwrap().1.unwrap().format, Format::Sc);
        assert!(take_request(&mut json!({"process": {"env": []}})).is_none());
    }

    #[test]
    fn the_recording_profile_notifies_everything_but_what_runc_needs_unasked() {
        let arch = Arch::X86_64;
        let mut c = json!({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL"}}});
        install_recording_profile(&mut c, arch, Path::new("/run/scc/x.sock")).unwrap();
        let p = &c["linux"]["seccomp"];
        assert_eq!(p["listenerPath"], "/run/scc/x.sock");
        assert_eq!(p["defaultErrnoRet"], 38);
        let notify = p["syscalls"][0]["names"].as_array().unwrap();
        assert_eq!(p["syscalls"][0]["action"], "SCMP_ACT_NOTIFY");
        assert_eq!(notify.len() + UNASKED.len(), arch.syscalls().len());
        for n in ["execve", "exit_group", "mount", "capset", "clone3", "read"] {
            assert!(notify.iter().any(|v| v == n), "{n}");
        }
        assert!(!notify.iter().any(|v| v == "write"));
        assert_eq!(p["syscalls"][1]["names"], json!(UNASKED));
        assert!(install_recording_profile(&mut json!([]), arch, Path::new("/s")).is_err());
    }

    #[test]
    fn a_rendered_profile_reads_back_as_input_in_both_formats() {
        let arch = Arch::X86_64;
        let mut rec = Recording::default();
        let nr = |n: &str| arch.syscall(n).unwrap().nr;
        let af_unix = arch.constant("AF_UNIX").unwrap() as u64;
        let stream = arch.constant("SOCK_STREAM").unwrap() as u64;
        rec.record(
            arch.audit_arch(),
            nr("socket"),
            &[af_unix, stream, 0, 0, 0, 0],
            ArgMode::Enums,
        );
        rec.record(arch.audit_arch(), nr("getdents64"), &[0; 6], ArgMode::Enums);
        for mode in ["O_RDONLY", "O_WRONLY"] {
            let flags = arch.constant(mode).unwrap() as u64;
            rec.record(
                arch.audit_arch(),
                nr("openat"),
                &[0, 0, flags, 0, 0, 0],
                ArgMode::Enums,
            );
        }
        add_runtime_calls(&mut rec, arch);
        for (name, format) in [("in.json", Format::Oci), ("in.sc", Format::Sc)] {
            let text = render(&rec, format).unwrap();
            let back = read_input(name, &text, arch).unwrap();
            let calls = &back.arches[&arch].calls;
            assert!(
                calls.contains_key("write") && calls.contains_key("getdents64"),
                "{text}"
            );
            assert_eq!(calls["futex"].count, 0, "{text}");
            assert_eq!(
                calls["openat"].args[0].clone(),
                Values::Set([0, 1].into()),
                "{text}"
            );
            let go = GO_THREAD_FLAGS
                .iter()
                .fold(0, |a, n| a | arch.constant(n).unwrap() as u64);
            assert_eq!(calls["clone"].args[0], Values::Set([go].into()), "{text}");
            assert_eq!(
                calls["socket"].args[0],
                Values::Set([af_unix].into()),
                "{text}"
            );
            if format == Format::Oci {
                let v: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["defaultAction"], "SCMP_ACT_ERRNO");
            } else {
                assert!(text.contains("default errno(EPERM);"), "{text}");
                assert_eq!(back.default.as_deref(), Some("errno(EPERM)"));
            }
        }
        // oci-seccomp-bpf-hook's output: names only.
        let hook = r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","close"],"action":"SCMP_ACT_ALLOW","args":[]}]}"#;
        let back = read_input("/p/hook.json", hook, arch).unwrap();
        assert!(back.arches[&arch].calls.contains_key("close"));
        for (name, text, says) in [
            ("x.json", "not json", "not a seccomp profile"),
            (
                "x.json",
                "{\"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                "only `allow` rules",
            ),
            ("x.sc", "default kill; allow opnat;", "not a policy"),
        ] {
            let e = read_input(name, text, arch).unwrap_err();
            assert!(e.contains(says), "{name}: {e}");
        }
    }
}
