//! Runs every example as a real process and checks what the kernel did to it: the
//! allowed work happened, and the forbidden call killed it (or failed with the errno).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"))
}

fn killed_by_sigsys(status: ExitStatus) -> bool {
    status.signal() == Some(libc::SIGSYS)
}

#[test]
fn hello_prints_then_is_killed_opening_etc_shadow() {
    let out = run(env!("CARGO_BIN_EXE_hello"), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Hello from inside the sandbox!"),
        "{stdout}"
    );
    assert!(stdout.contains("now opening /etc/shadow"), "{stdout}");
    assert!(!stdout.contains("still alive"), "{stdout}");
    assert!(killed_by_sigsys(out.status), "{:?}", out.status);
}

#[test]
fn denylist_refuses_mkdir_with_eperm_and_lets_the_rest_run() {
    let out = run(env!("CARGO_BIN_EXE_denylist"), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{:?}\n{stdout}", out.status);
    assert!(
        stdout.contains("refused: Operation not permitted"),
        "{stdout}"
    );
    assert!(stdout.contains("read /proc/self/status"), "{stdout}");
}

#[test]
fn attribute_runs_main_sandboxed_and_dies_on_escape() {
    let out = run(env!("CARGO_BIN_EXE_attribute"), &[]);
    assert!(out.status.success(), "{:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stdout).contains("main runs under"));

    let out = run(env!("CARGO_BIN_EXE_attribute"), &["--escape"]);
    assert!(killed_by_sigsys(out.status), "{:?}", out.status);
}

/// Starts the server on a free port and returns it with a connected client.
fn server() -> (std::process::Child, TcpStream) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .expect("read the listening line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    (child, stream)
}

fn wait(child: &mut std::process::Child) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the server did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn echo(stream: &mut TcpStream, msg: &str) -> String {
    writeln!(stream, "{msg}").unwrap();
    let mut got = Vec::new();
    let mut byte = [0u8];
    while byte[0] != b'\n' {
        stream.read_exact(&mut byte).expect("read the echo");
        got.push(byte[0]);
    }
    String::from_utf8(got).unwrap()
}

#[test]
fn server_echoes_under_tsync_and_a_worker_calling_execve_kills_the_process() {
    let (mut child, mut stream) = server();
    assert_eq!(echo(&mut stream, "hello"), "hello\n");
    assert_eq!(echo(&mut stream, "again"), "again\n");
    writeln!(stream, "exec").unwrap();
    let status = wait(&mut child);
    assert!(killed_by_sigsys(status), "{status:?}");
}

#[test]
fn server_quits_cleanly_when_asked() {
    let (mut child, mut stream) = server();
    assert_eq!(echo(&mut stream, "ping"), "ping\n");
    writeln!(stream, "quit").unwrap();
    assert!(wait(&mut child).success());
}
