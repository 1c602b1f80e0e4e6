//! The harness against hostile programs: each must fail the test quickly, with
//! a report that says what happened, and leave nothing running.
//!
//! The hostile programs are plain `sh` one-liners, so these tests need no
//! binary of the kit.

mod common;
use common::report_of;

use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::time::Duration;

use harness::{
    step, Client, EchoPeer, Process, Program, Reply, Server, TcpConn, UdpConn, PATIENCE,
};

fn sh() -> Program {
    Program::new("hostile-sh", "/bin/sh")
}

fn alive(pid: u32) -> bool {
    // A zombie has exited: only its exit status is left for the parent.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

/// Waits (with a deadline) until `pid` is gone.
fn gone_within(pid: u32, patience: Duration) -> bool {
    harness::exited_within(pid, patience)
}

fn pid_in(path: &Path) -> u32 {
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_server_that_exits_at_once_fails_fast_with_its_status_and_stderr() {
    step(1, "hostile: exits at once");
    let (report, took) = report_of(|| {
        Server::start(sh(), &["-c", "echo oops >&2; exit 3", "sh"]);
    });
    // Fast: at once, not after the listening deadline.
    assert!(took < PATIENCE, "took {took:?}");
    assert!(report.contains("exited (exit code 3)"), "{report}");
    assert!(report.contains("| oops"), "{report}");
    assert!(
        report.contains("README step 1: hostile: exits at once"),
        "{report}"
    );
}

#[test]
fn a_server_that_never_listens_fails_within_patience_and_is_killed() {
    step(1, "hostile: never prints listening on");
    let dir = tempdir();
    let pidfile = dir.join("pid");
    let script = format!("echo $$ > {}; exec sleep 60", pidfile.display());
    let (report, took) = report_of(|| {
        Server::start(sh(), &["-c", &script, "sh"]);
    });
    assert!(
        took >= PATIENCE && took < PATIENCE + Duration::from_secs(1),
        "took {took:?}"
    );
    assert!(
        report.contains("no `listening on <addr>` line on stdout within"),
        "{report}"
    );
    assert!(
        gone_within(pid_in(&pidfile), Duration::from_secs(3)),
        "the server outlived its test"
    );
}

#[test]
fn a_server_that_prints_a_wrong_first_line_is_told_what_was_expected() {
    let (report, _) = report_of(|| {
        Server::start(
            sh(),
            &["-c", "echo 'Listening at 9999'; exec sleep 60", "sh"],
        );
    });
    assert!(report.contains("\"Listening at 9999\""), "{report}");
    assert!(report.contains("listening on 127.0.0.1:40123"), "{report}");
}

/// python3 running `code`: for the hostile programs that must hold a socket
/// (the harness checks that a ready line names a socket the program holds).
fn python(code: &str) -> (Program, Vec<String>) {
    (
        Program::new("hostile-python", "/usr/bin/python3"),
        vec!["-c".into(), code.into()],
    )
}

fn start(program: (Program, Vec<String>), extra: &[&str]) -> Server {
    let (program, mut args) = program;
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::start(program, &args)
}

#[test]
fn a_silent_server_gives_no_response_not_a_hang() {
    // It binds, prints its address, and never reads.
    let silent_udp = python(
        "import socket, signal\n\
         s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n\
         print('listening on %s:%d' % s.getsockname(), flush=True); signal.pause()",
    );
    let (report, took) = report_of(|| {
        let server = start(silent_udp, &[]);
        let mut conn = UdpConn::to(&server);
        conn.expect_echo(b"ping");
    });
    assert!(took < PATIENCE + Duration::from_secs(1), "took {took:?}");
    assert!(report.contains("no response within"), "{report}");
    assert!(report.contains("nc -u 127.0.0.1"), "{report}");

    // A TCP listener that never accepts: the kernel completes the connection
    // into its backlog, and nobody reads or answers.
    let silent_tcp = python(
        "import socket, signal\n\
         s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n\
         print('listening on %s:%d' % s.getsockname(), flush=True); signal.pause()",
    );
    let (report, _) = report_of(|| {
        let server = start(silent_tcp, &[]);
        let mut conn = TcpConn::to(&server, "nc {addr}");
        conn.set_patience(Duration::from_millis(300));
        conn.send_line("hello");
        conn.expect_line("HELLO");
    });
    assert!(
        report.contains("no response within 0.3 s: waited for `HELLO`"),
        "{report}"
    );
    assert!(report.contains("sent      \"hello\\n\""), "{report}");
}

#[test]
fn dropping_a_server_kills_its_whole_process_group() {
    let dir = tempdir();
    let pidfile = dir.join("pid");
    // It starts a grandchild that ignores SIGTERM, and ignores it itself; both must go.
    let code = format!(
        "import os, signal, socket, subprocess\n\
         signal.signal(signal.SIGTERM, signal.SIG_IGN)\n\
         s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n\
         p = subprocess.Popen(['sh', '-c', \"trap '' TERM; exec sleep 60\"])\n\
         open('{}', 'w').write(str(p.pid))\n\
         print('listening on %s:%d' % s.getsockname(), flush=True); signal.pause()",
        pidfile.display()
    );
    let server = start(python(&code), &[]);
    let grandchild = pid_in(&pidfile);
    assert!(alive(grandchild));
    drop(server);
    assert!(
        gone_within(grandchild, Duration::from_secs(3)),
        "a grandchild outlived the server"
    );
}

#[test]
fn a_process_dies_with_the_thread_that_started_it() {
    let pid = std::thread::spawn(|| {
        let process = Process::spawn(sh(), &["-c", "exec sleep 60"]);
        let pid = process.pid();
        // Skip the harness's cleanup, as a killed test run would.
        std::mem::forget(process);
        pid
    })
    .join()
    .unwrap();
    assert!(
        gone_within(pid, Duration::from_secs(3)),
        "PR_SET_PDEATHSIG did not fire"
    );
}

#[test]
fn a_client_that_never_exits_is_killed_at_its_deadline() {
    let run = Client::new(sh())
        .args(["-c", "echo started; exec sleep 60"])
        .deadline(Duration::from_millis(500))
        .run();
    assert!(run.timed_out());
    assert!(
        run.elapsed() < Duration::from_secs(2),
        "{:?}",
        run.elapsed()
    );
    assert_eq!(run.stdout(), "started\n");
    let (report, _) = report_of(|| {
        run.expect_code(0, "it should have finished");
    });
    assert!(report.contains("did not exit within 0.5 s"), "{report}");
}

#[test]
fn a_client_that_never_reads_stdin_does_not_block_the_harness() {
    let run = Client::new(sh())
        .args(["-c", "exec sleep 60"])
        .stdin(vec![b'x'; 4 << 20])
        .deadline(Duration::from_millis(500))
        .run();
    assert!(run.timed_out());
    assert!(
        run.elapsed() < Duration::from_secs(2),
        "{:?}",
        run.elapsed()
    );
}

#[test]
fn a_client_run_captures_exit_code_stdout_and_stderr() {
    let run = Client::new(sh())
        .args([
            "-c",
            "read line; echo \"got $line\"; echo 'error: bad' >&2; exit 1",
        ])
        .stdin("hello\n")
        .run();
    run.expect_code(1, "the script exits 1");
    assert_eq!(run.stdout_line(), "got hello");
    run.assert()
        .code(1)
        .stderr(harness::predicates::str::contains("error: bad"));
}

#[test]
fn tcp_conn_tells_closed_from_silent() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut conn = TcpConn::connect(addr, Default::default());
    conn.set_patience(Duration::from_millis(200));
    let (accepted, _) = listener.accept().unwrap();
    assert_eq!(conn.read_line(), Reply::NoResponse(Vec::new()));
    use std::io::Write;
    (&accepted).write_all(b"partial").unwrap();
    drop(accepted);
    assert_eq!(conn.read_line(), Reply::Closed(b"partial".to_vec()));
}

#[test]
fn echo_peer_withholds_a_reply_until_the_next_ping() {
    let peer = EchoPeer::answering_late(0);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(peer.addr()).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buffer = [0u8; 16];
    socket.send(b"ping0").unwrap();
    assert!(
        socket.recv(&mut buffer).is_err(),
        "reply 0 came before ping 1"
    );
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket.send(b"ping1").unwrap();
    let n = socket.recv(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"ping0");
    assert_eq!(peer.pings(), vec![b"ping0".to_vec(), b"ping1".to_vec()]);
}

/// A fresh directory of this test's, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ipc-kit-harness-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}
