//! Containment: hostile programs that flood, detach, lie in their ready line or
//! eat memory. Each must fail its test within seconds with a report that names
//! what it did, leave nothing running, and leave the test process small.
//!
//! The hostile programs are Python one-liners (python3 is on every machine the
//! kit supports), since they need sockets and `fork`.

mod common;
use common::report_of;

use std::time::{Duration, Instant};

use harness::{step, Client, EchoPeer, Process, Program, ScratchDir, Server, UdpConn, PATIENCE};

/// Every verdict here must come within this.
const QUICK: Duration = Duration::from_secs(10);

/// What the test process may grow to, whatever its programs do.
const SMALL: u64 = 64 << 20;

/// Helpers every hostile program starts with: `udp()` binds a loopback UDP
/// socket, `ready(s)` prints its `listening on` line, `echo(s)` echoes for
/// ever, `note(name, value)` writes a file into the test's directory (argv[1]).
const PRELUDE: &str = r#"
import os, signal, socket, sys, time
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s
def ready(s):
    print("listening on %s:%d" % s.getsockname(), flush=True)
def echo(s):
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)
def note(name, value):
    with open(os.path.join(sys.argv[1], name + ".tmp"), "w") as f:
        f.write(str(value))
    os.rename(os.path.join(sys.argv[1], name + ".tmp"), os.path.join(sys.argv[1], name))
"#;

/// A hostile program: the prelude plus `body`, run by python3 with the
/// test's directory as its first argument.
struct Hostile {
    dir: ScratchDir,
    code: String,
}

impl Hostile {
    fn new(body: &str) -> Hostile {
        Hostile {
            dir: harness::scratch_dir("ipc-kit-contain-"),
            code: format!("{PRELUDE}\n{body}"),
        }
    }

    fn program(&self) -> Program {
        Program::new("hostile-python", "/usr/bin/python3")
    }

    fn args(&self) -> Vec<String> {
        vec![
            "-c".into(),
            self.code.clone(),
            self.dir.path().display().to_string(),
        ]
    }

    fn start(&self) -> Server {
        let args = self.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Server::start(self.program(), &args)
    }

    /// The pid the program wrote under `name` (waiting for it a little).
    fn pid(&self, name: &str) -> u32 {
        let path = self.dir.path().join(name);
        let until = Instant::now() + PATIENCE;
        loop {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return text.trim().parse().unwrap();
            }
            assert!(Instant::now() < until, "the program never wrote {name}");
            std::thread::sleep(Duration::from_millis(10)); // pace: a second look at the file it writes at once
        }
    }
}

/// Whether `pid` is gone (or a zombie) within `patience`.
fn gone_within(pid: u32, patience: Duration) -> bool {
    harness::exited_within(pid, patience)
}

/// The test process's peak resident memory, from `/proc/self/status`.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap()
}

fn assert_small() {
    let peak = peak_rss();
    assert!(peak < SMALL, "the test process grew to {} MiB", peak >> 20);
}

fn assert_quick(took: Duration) {
    assert!(took < QUICK, "the verdict took {took:?}");
}

#[test]
fn a_server_that_floods_stdout_with_lines_is_stopped_and_named() {
    step(1, "hostile: floods stdout with lines after its ready line");
    expect_a_flood_named("line = b'x' * 1000 + b'\\n'\nwhile True: sys.stdout.buffer.write(line)");
}

#[test]
fn a_server_that_floods_stdout_without_newlines_is_stopped_and_named() {
    step(1, "hostile: floods stdout with one endless line");
    expect_a_flood_named("block = b'x' * 65536\nwhile True: sys.stdout.buffer.write(block)");
}

/// A server that prints its ready line, then runs `flood`: its test fails
/// quickly, naming the flood, and the test process stays small.
fn expect_a_flood_named(flood: &str) {
    let hostile = Hostile::new(&format!("s = udp(); ready(s)\n{flood}"));
    let (report, took) = report_of(|| {
        let server = hostile.start();
        UdpConn::to(&server).expect_echo(b"ping");
    });
    assert!(report.contains("more than 16 MiB on stdout"), "{report}");
    assert_quick(took);
    assert_small();
}

#[test]
fn lines_dropped_unread_are_reported_not_skipped() {
    step(
        1,
        "hostile: prints 2 MiB of lines the test has not read yet",
    );
    // 2 MiB is under the flood limit but over the queue of unread lines: the
    // oldest are dropped, and the next read must say so rather than hand over
    // line 10,000 as if it followed the ready line.
    let hostile = Hostile::new(
        "s = udp(); ready(s)\n\
         for i in range(20000): sys.stdout.write('%099d\\n' % i)\n\
         sys.stdout.flush(); note('printed', os.getpid())\n\
         echo(s)",
    );
    let mut server = hostile.start();
    hostile.pid("printed"); // every line is in the pipe or the queue by now
    let (report, took) = report_of(|| {
        server
            .process()
            .expect_stdout_line("the first line after the ready line", PATIENCE);
    });
    assert!(
        report.contains("unread lines") && report.contains("dropped"),
        "{report}"
    );
    assert_quick(took);
}

#[test]
fn a_client_that_floods_stdout_and_never_reads_stdin_is_stopped_at_once() {
    step(2, "hostile: a client that writes for ever");
    let hostile = Hostile::new("block = b'y' * 65536\nwhile True: sys.stdout.buffer.write(block)");
    let (report, took) = report_of(|| {
        Client::new(hostile.program())
            .args(hostile.args())
            .stdin(vec![b'z'; 1 << 20])
            .deadline(Duration::from_secs(8))
            .run();
    });
    assert!(report.contains("more than 16 MiB on stdout"), "{report}");
    // Stopped at the flood, not at its 8 s deadline.
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert!(report.len() < 64 << 10, "a {}-byte report", report.len());
    assert_small();
}

#[test]
fn a_server_that_daemonizes_and_exits_fails_and_its_daemon_dies() {
    step(
        1,
        "hostile: forks a setsid daemon that keeps the socket, then exits",
    );
    let hostile = Hostile::new(
        "s = udp(); ready(s)\nr, w = os.pipe()\n\
         if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        \
         note('daemon', os.getpid()); os.write(w, b'x'); echo(s)\n    os._exit(0)\n\
         os.read(r, 1); os._exit(0)",
    );
    let mut daemon = None;
    let (report, took) = report_of(|| {
        let mut server = hostile.start();
        daemon = Some(hostile.pid("daemon"));
        // By events: talk to it once its server has gone, which it does as
        // soon as the daemon is up.
        assert!(harness::exited_within(server.process().pid(), PATIENCE));
        let mut conn = UdpConn::to(&server);
        for _ in 0..3 {
            conn.expect_echo(b"ping");
        }
    });
    assert!(
        report.contains("while its test still needed it"),
        "{report}"
    );
    assert_quick(took);
    let daemon = daemon.expect("the daemon wrote its pid");
    assert!(
        gone_within(daemon, Duration::from_secs(3)),
        "the daemon survived"
    );
    assert_small();
}

#[test]
fn a_child_in_its_own_group_that_ignores_sigterm_dies_with_the_server() {
    step(
        1,
        "hostile: a forked child calls setpgid(0, 0), ignores SIGTERM and echoes",
    );
    let hostile = Hostile::new(
        "s = udp()\npid = os.fork()\n\
         if pid == 0:\n    os.setpgid(0, 0); signal.signal(signal.SIGTERM, signal.SIG_IGN); echo(s)\n\
         note('child', pid); ready(s); signal.pause()",
    );
    let server = hostile.start();
    let child = hostile.pid("child");
    UdpConn::to(&server).expect_echo(b"ping");
    drop(server);
    assert!(
        gone_within(child, Duration::from_secs(3)),
        "the child survived"
    );
    assert_small();
}

#[test]
fn a_grandchild_that_ignores_sigterm_and_keeps_the_port_dies_too() {
    step(
        1,
        "hostile: a grandchild in a session of its own keeps the port",
    );
    let hostile = Hostile::new(
        "s = udp()\nr, w = os.pipe()\n\
         if os.fork() == 0:\n    if os.fork() == 0:\n        os.setsid(); \
         signal.signal(signal.SIGTERM, signal.SIG_IGN); note('grandchild', os.getpid()); \
         os.write(w, b'x'); echo(s)\n    signal.signal(signal.SIGTERM, signal.SIG_IGN); signal.pause()\n\
         os.read(r, 1); ready(s); signal.signal(signal.SIGTERM, signal.SIG_IGN); signal.pause()",
    );
    let started = Instant::now();
    let server = hostile.start();
    let grandchild = hostile.pid("grandchild");
    UdpConn::to(&server).expect_echo(b"ping");
    drop(server);
    assert!(
        gone_within(grandchild, Duration::from_secs(3)),
        "the grandchild survived"
    );
    assert_quick(started.elapsed());
    assert_small();
}

#[test]
fn a_ready_line_naming_another_process_port_fails_at_once() {
    step(1, "hostile: prints the port of somebody else's echo");
    let echo = EchoPeer::echo();
    let hostile = Hostile::new(&format!(
        "print('listening on {}', flush=True); signal.pause()",
        echo.addr()
    ));
    let (report, took) = report_of(|| {
        let server = hostile.start();
        UdpConn::to(&server).expect_echo(b"ping");
    });
    assert!(
        report.contains("names a port this program does not hold"),
        "{report}"
    );
    assert!(took < PATIENCE, "took {took:?}");
    assert_small();
}

#[test]
fn a_ready_line_naming_a_closed_port_fails_at_once() {
    step(1, "hostile: prints a port it closed");
    let hostile = Hostile::new("s = udp(); a = s.getsockname(); s.close()\nprint('listening on %s:%d' % a, flush=True); signal.pause()");
    let (report, took) = report_of(|| {
        let server = hostile.start();
        UdpConn::to(&server).expect_echo(b"ping");
    });
    assert!(
        report.contains("names a port this program does not hold"),
        "{report}"
    );
    assert!(took < PATIENCE, "took {took:?}");
}

#[test]
fn a_server_whose_socket_is_gone_is_reported_refused() {
    step(1, "hostile: closes its socket after the first datagram");
    let hostile = Hostile::new(
        "s = udp(); ready(s)\ns.recvfrom(65535); s.close(); print('closed', flush=True); signal.pause()",
    );
    let (report, took) = report_of(|| {
        let mut server = hostile.start();
        let mut conn = UdpConn::to(&server);
        conn.send(b"first");
        server.process().expect_stdout_line("`closed`", PATIENCE);
        conn.expect_echo(b"second");
    });
    assert!(report.contains("refused"), "{report}");
    assert!(!report.contains("no response within"), "{report}");
    assert!(took < PATIENCE, "took {took:?}");
}

#[test]
fn a_server_over_the_memory_ceiling_is_stopped_and_named() {
    step(1, "hostile: takes more than a GiB after its ready line");
    // MAP_POPULATE makes the pages resident in one system call: touching them
    // one by one (`b'x' * n`) takes 13 s with both cores busy, long after any
    // test's patience, and the test would fail on a "no response" instead.
    let hostile = Hostile::new(
        "import mmap\n\
         s = udp(); ready(s)\n\
         hog = mmap.mmap(-1, 1100 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | mmap.MAP_POPULATE)\n\
         signal.pause()",
    );
    let (report, took) = report_of(|| {
        // Waits for the event, the harness stopping it, not for an echo that
        // would time out at 4 s if the pages came in slowly.
        let mut server = hostile.start();
        server
            .process()
            .expect_stdout_line("a line it never prints", QUICK);
    });
    assert!(report.contains("more than 1024 MiB of memory"), "{report}");
    assert_quick(took);
    assert_small();
}

#[test]
fn leftovers_names_what_a_program_left_running_then_it_dies() {
    step(7, "hostile: exits and leaves a worker running");
    let hostile = Hostile::new(
        "pid = os.fork()\nif pid == 0:\n    signal.pause()\nnote('worker', pid); os._exit(0)",
    );
    let args = hostile.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut process = Process::spawn(hostile.program(), &args);
    process.expect_exit("it exits at once", PATIENCE);
    let worker = hostile.pid("worker");
    assert_eq!(process.leftovers(), vec![worker]);
    drop(process);
    assert!(
        gone_within(worker, Duration::from_secs(3)),
        "the worker survived"
    );

    let run = Client::new(hostile.program()).args(hostile.args()).run();
    run.expect_code(0, "it exits at once");
    let worker = hostile.pid("worker");
    assert_eq!(run.leftovers(), &[worker]);
    assert!(
        gone_within(worker, Duration::from_secs(3)),
        "the worker survived"
    );
}

#[test]
fn a_healthy_server_with_a_held_port_passes() {
    // The other side: a correct program is never caught by containment.
    step(1, "a correct echo server");
    let hostile = Hostile::new("s = udp(); ready(s); echo(s)");
    let server = hostile.start();
    let mut conn = UdpConn::to(&server);
    for size in [1, 1000, 65_507] {
        conn.expect_echo(&vec![b'a'; size]);
    }
}
