//! `scc hook precreate` and `scc oci-runtime`: record a container's profile while it
//! runs, asked for by the `io.containers.trace-syscall` annotation (`of:PATH`,
//! `if:PATH`), as oci-seccomp-bpf-hook does.
//!
//! Both put a recording profile (every syscall `SCMP_ACT_NOTIFY`, `listenerPath` on a
//! socket of ours) into the container's runtime config and start the recorder
//! ([`crate::recorder`]) in the background; the runtime installs the profile right
//! before it execs the container's program and hands us the listener. `precreate` is the
//! hooks.d stage podman runs with the config on standard input and reads the config to
//! use from standard output; `oci-runtime` wraps runc (for Docker, registered in
//! `daemon.json`, which has no annotations: the same value comes in the container's
//! `SCC_TRACE_SYSCALL` environment variable) and rewrites the bundle's `config.json`.
//!
//! Whatever goes wrong (a malformed annotation, an unwritable output, an `if:` that is
//! not a profile) is logged and the container starts as it would without us: a
//! recording is never worth a broken container.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use seccomp_dsl::Arch;
use seccomp_scc::recording::container::{self, Request};
use serde_json::Value;

use crate::Fail;
use crate::recorder::{self, Output};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Stage {
    /// The runtime config on standard input, the config to use on standard output
    /// (podman's `precreate` stage).
    Precreate,
}

#[derive(clap::Args)]
pub struct HookArgs {
    /// The hooks.d stage this runs at.
    #[arg(value_enum)]
    stage: Stage,
    /// Append messages to this file (default: syslog through /dev/log; podman discards
    /// a precreate hook's standard error).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct RuntimeArgs {
    /// The OCI runtime to run.
    #[arg(long, default_value = "runc", value_name = "PATH")]
    runtime: PathBuf,
    /// The runtime's arguments, as its caller gave them (after `--`).
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<OsString>,
}

/// A config larger than this is not a runtime config (they are a few KiB).
const MAX_CONFIG: u64 = 16 << 20;

pub fn hook(a: HookArgs) -> Result<(), Fail> {
    let Stage::Precreate = a.stage;
    let log = Log {
        file: a.log,
        json: false,
    };
    let mut input = Vec::new();
    std::io::stdin()
        .take(MAX_CONFIG)
        .read_to_end(&mut input)
        .map_err(|e| Fail::Usage(format!("cannot read the runtime config: {e}")))?;
    let out = filter_config(&input, &log);
    std::io::stdout().lock().write_all(&out)?;
    Ok(())
}

/// Runs the runtime; when its command line creates a container whose config asks for a
/// recording, with the recording profile in the bundle's `config.json` while it runs,
/// then the config as it was (a stale `listenerPath` would hang the next start).
pub fn runtime(a: RuntimeArgs) -> Result<(), Fail> {
    let log = runtime_log(&a.args);
    let mut restore = None;
    if let Some(bundle) = creating_bundle(&a.args) {
        let path = bundle.join("config.json");
        if let Ok(bytes) = std::fs::read(&path) {
            let out = filter_config(&bytes, &log);
            if out != bytes {
                match replace(&path, &out) {
                    Ok(()) => restore = Some((path, bytes)),
                    Err(e) => log.warn(&format!("cannot rewrite {}: {e}", path.display())),
                }
            }
        }
    }
    let mut cmd = std::process::Command::new(&a.runtime);
    cmd.args(&a.args);
    let Some((path, bytes)) = restore else {
        let e = cmd.exec();
        return Err(Fail::Usage(format!(
            "cannot run the OCI runtime {}: {e}",
            a.runtime.display()
        )));
    };
    let status = cmd.spawn().and_then(|mut child| {
        crate::trace::forward_signals(child.id() as i32);
        child.wait()
    });
    if let Err(e) = replace(&path, &bytes) {
        log.warn(&format!("cannot restore {}: {e}", path.display()));
    }
    let status = status.map_err(|e| {
        Fail::Usage(format!(
            "cannot run the OCI runtime {}: {e}",
            a.runtime.display()
        ))
    })?;
    use std::os::unix::process::ExitStatusExt;
    // The runtime's status, as a shell gives a signal's: 128 + the signal.
    std::process::exit(
        status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
    )
}

/// The config to run the container with: the input with the recording profile when it
/// asks for a recording and the recorder started, else the input (without the
/// [`container::ENV`] variable). Never fails: every problem is logged.
fn filter_config(input: &[u8], log: &Log) -> Vec<u8> {
    let mut config: Value = match serde_json::from_slice(input) {
        Ok(c) => c,
        Err(e) => {
            log.warn(&format!(
                "the runtime config is not JSON ({e}); nothing recorded"
            ));
            return input.to_vec();
        }
    };
    let Some((raw, request)) = container::take_request(&mut config) else {
        return input.to_vec();
    };
    let started = request.and_then(|r| start(&r, &mut config, log));
    if let Err(e) = started {
        log.warn(&format!(
            "{}={raw:?}: {e}; the container runs without recording",
            container::ANNOTATION
        ));
    }
    serde_json::to_vec(&config).unwrap_or_else(|_| input.to_vec())
}

/// Checks the request (the `if:` file reads as a profile, the output can be created),
/// starts the recorder and puts the recording profile into the config.
fn start(request: &Request, config: &mut Value, log: &Log) -> Result<(), String> {
    let arch = Arch::native().ok_or("this machine's architecture is not supported")?;
    let mut base = match &request.input {
        None => Default::default(),
        Some(path) => read_input(path, arch).map_err(|e| format!("if:{}: {e}", path.display()))?,
    };
    if let Some(cmd) = container::command(config) {
        let words: Vec<OsString> = cmd.into_iter().map(OsString::from).collect();
        base.commands.push(crate::trace::shell_words(&words));
    }
    let output = Output::create(&request.output, request.format)
        .map_err(|e| format!("of:{}: cannot write there: {e}", request.output.display()))?;
    let socket = recorder::start(arch, base, output, log)?;
    container::install_recording_profile(config, arch, &socket)
}

/// Reads an `if:` file (at most [`MAX_CONFIG`] bytes).
fn read_input(path: &Path, arch: Arch) -> Result<seccomp_scc::recording::Recording, String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG).read_to_string(&mut text))
        .map_err(|e| format!("cannot read it: {e}"))?;
    container::read_input(&path.display().to_string(), &text, arch)
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a reader never
/// sees half of it.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("scc-{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// runc's (and crun's) global options that take a value.
const GLOBAL_VALUE_OPTS: [&str; 5] = ["--root", "--log", "--log-format", "--criu", "--rootless"];

/// The value of a global option of the runtime's command line (`--log F`, `--log=F`).
fn global_opt<'a>(args: &'a [OsString], name: &str) -> Option<&'a str> {
    let mut it = args.iter().map(|a| a.to_str().unwrap_or(""));
    while let Some(a) = it.next() {
        if a == name {
            return it.next();
        }
        if let Some(v) = a.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
            return Some(v);
        }
        if !a.starts_with('-') {
            return None;
        }
        if GLOBAL_VALUE_OPTS.contains(&a) {
            it.next();
        }
    }
    None
}

/// The bundle directory when the runtime's command line creates a container (`create`
/// or `run`, `--bundle`/`-b DIR`, default the current directory); `None` otherwise.
fn creating_bundle(args: &[OsString]) -> Option<PathBuf> {
    let mut it = args.iter();
    let command = loop {
        let a = it.next()?.to_str()?;
        if !a.starts_with('-') {
            break a;
        }
        if GLOBAL_VALUE_OPTS.contains(&a) {
            it.next();
        }
    };
    if command != "create" && command != "run" {
        return None;
    }
    while let Some(a) = it.next() {
        let a = a.to_str()?;
        if a == "--bundle" || a == "-b" {
            return it.next().map(PathBuf::from);
        }
        if let Some(v) = a
            .strip_prefix("--bundle=")
            .or_else(|| a.strip_prefix("-b="))
        {
            return Some(PathBuf::from(v));
        }
    }
    Some(PathBuf::from("."))
}

/// The runtime's own log file (`--log F`), in its format (`--log-format json`).
fn runtime_log(args: &[OsString]) -> Log {
    Log {
        file: global_opt(args, "--log").map(PathBuf::from),
        json: global_opt(args, "--log-format") == Some("json"),
    }
}

/// Where messages go: standard error (when someone reads it), and a log file (the
/// runtime's own `--log` for `scc oci-runtime`, `--log` for `scc hook`) or else syslog.
#[derive(Clone)]
pub struct Log {
    file: Option<PathBuf>,
    /// Lines as runc writes them with `--log-format json`.
    json: bool,
}

impl Log {
    pub fn warn(&self, msg: &str) {
        let msg = format!("scc: {msg}");
        let _ = writeln!(std::io::stderr(), "{msg}");
        match &self.file {
            Some(path) => {
                let line = if self.json {
                    serde_json::json!({"level": "warning", "msg": msg, "time": now_rfc3339()})
                        .to_string()
                } else {
                    // logrus's text format, as runc writes its log by default.
                    format!("time=\"{}\" level=warning msg={msg:?}", now_rfc3339())
                };
                let _ = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .and_then(|mut f| writeln!(f, "{line}"));
            }
            None => syslog(&msg),
        }
    }
}

/// Sends `msg` to syslog (facility user, severity warning) through `/dev/log`, as
/// oci-seccomp-bpf-hook logs; nothing when there is no syslog.
fn syslog(msg: &str) {
    use std::os::unix::net::UnixDatagram;
    let Ok(sock) = UnixDatagram::unbound() else {
        return;
    };
    let line = format!("<12>scc-hook[{}]: {msg}", std::process::id());
    let _ = sock.send_to(line.as_bytes(), "/dev/log");
}

/// The current UTC time as RFC 3339 (`2024-05-01T12:00:00Z`).
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn the_bundle_of_a_create_or_run_command_line() {
        let docker = "--root /r/moby --log /b/log.json --log-format json create --bundle /b --pid-file /b/init.pid id";
        assert_eq!(creating_bundle(&args(docker)), Some(PathBuf::from("/b")));
        assert_eq!(global_opt(&args(docker), "--log"), Some("/b/log.json"));
        assert!(runtime_log(&args(docker)).json);
        assert_eq!(
            creating_bundle(&args("run -b=/x id")),
            Some(PathBuf::from("/x"))
        );
        assert_eq!(
            creating_bundle(&args("--debug run id")),
            Some(PathBuf::from("."))
        );
        assert_eq!(creating_bundle(&args("--root create start id")), None);
        assert_eq!(creating_bundle(&args("--log=/l delete --force id")), None);
        assert_eq!(creating_bundle(&args("exec -t id sh")), None);
        assert_eq!(global_opt(&args("delete --log /x id"), "--log"), None);
    }

    #[test]
    fn time_is_rfc3339() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    }

    #[test]
    fn a_config_without_a_request_passes_unchanged_and_a_bad_one_is_logged() {
        let dir = std::env::temp_dir().join(format!("scc-hook-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log_path = dir.join("log");
        let log = Log {
            file: Some(log_path.clone()),
            json: true,
        };
        let plain = br#"{"process": {"args": ["ls"]}}"#;
        assert_eq!(filter_config(plain, &log), plain);
        assert_eq!(filter_config(b"{not json", &log), b"{not json");
        let bad = format!(
            r#"{{"annotations": {{"{}": "of:relative.json"}}, "linux": {{}}}}"#,
            container::ANNOTATION
        );
        let out: Value = serde_json::from_slice(&filter_config(bad.as_bytes(), &log)).unwrap();
        assert!(out["linux"].get("seccomp").is_none());
        let unwritable = format!(
            r#"{{"annotations": {{"{}": "of:/nonexistent-dir/x.json"}}}}"#,
            container::ANNOTATION
        );
        let out: Value =
            serde_json::from_slice(&filter_config(unwritable.as_bytes(), &log)).unwrap();
        assert!(out.get("linux").is_none());
        let text = std::fs::read_to_string(&log_path).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0]["msg"].as_str().unwrap().contains("not JSON"),
            "{text}"
        );
        assert!(
            lines[1]["msg"]
                .as_str()
                .unwrap()
                .contains("must be absolute"),
            "{text}"
        );
        assert!(
            lines[2]["msg"]
                .as_str()
                .unwrap()
                .contains("cannot write there"),
            "{text}"
        );
        assert!(
            lines[2]["msg"]
                .as_str()
                .unwrap()
                .contains("runs without recording"),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
