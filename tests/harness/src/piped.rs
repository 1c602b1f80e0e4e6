//! A program talked to over its own stdin and stdout, line by line: a filter
//! or a worker process (exercise 07's `pi-worker`). The test writes a line,
//! reads the answer, writes the next, under a deadline each, and keeps a
//! transcript for the report.
//!
//! Also what `/proc` says about any process by pid, for tests that check a
//! program's children: alive or zombie (`/proc/PID/stat`), where each of its
//! threads is blocked (`/proc/PID/task/TID/wchan`), and reaping a zombie that
//! came back to the test process.
//!
//! [`crate::Process`] starts programs with stdin closed; this is the same
//! containment (process group, `PR_SET_PDEATHSIG`, CPU limit, registration
//! with [`crate::contain`], the sandbox user under grading) with stdin piped.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::busy::Patience;
use crate::capture::{self, flood_verdict, Next};
use crate::contain::{self, Contained};
use crate::report::{escape, Context, Failure};
use crate::{describe_status, Program};

/// How long the program gets to exit after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(1);

/// A program with its stdin and stdout piped to the test.
pub struct PipedProcess {
    program: Program,
    command: String,
    child: Child,
    contained: Contained,
    stdin: Option<ChildStdin>,
    stdout: capture::Lines,
    stderr: capture::Capture,
    transcript: Vec<String>,
    repro: String,
}

impl PipedProcess {
    /// Starts `program` with `args`, stdin and stdout piped, stderr captured.
    pub fn spawn(program: Program, args: &[&str]) -> PipedProcess {
        let os_args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let command_line = program.command_line(&os_args);
        // The one way the harness starts a program (own process group, dies
        // with its test, sandbox user, CPU limit), with all three pipes.
        let mut command = program.command(&os_args);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (mut child, contained) = match contain::spawn(&mut command) {
            Ok(spawned) => spawned,
            Err(err) => Failure::new(format!("could not start {}: {err}", program.name()))
                .with("program", &command_line)
                .raise(),
        };
        let stdin = child.stdin.take().expect("stdin is piped");
        // Writes must never block the test: a full pipe shows as "not taken".
        // SAFETY: fcntl on a descriptor we own.
        unsafe {
            let fd = stdin.as_raw_fd();
            let flags = libc::fcntl(fd, libc::F_GETFL);
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
        let pid = child.id();
        let stdout = capture::lines(child.stdout.take().expect("stdout is piped"), move || {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGKILL) };
        });
        let stderr = capture::tail(child.stderr.take().expect("stderr is piped"), 16 * 1024);
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let repro = program.cargo_run_line(&args);
        PipedProcess {
            program,
            command: command_line,
            child,
            contained,
            stdin: Some(stdin),
            stdout,
            stderr,
            transcript: Vec::new(),
            repro,
        }
    }

    /// Its pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its peak resident memory so far (`VmHWM` in `/proc/PID/status`), in
    /// MiB: the mark only grows, so read it after the work being measured.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }

    /// The context for failure reports, with the transcript so far.
    pub fn context(&self) -> Context {
        Context {
            command: Some(self.command.clone()),
            name: Some(self.program.name().to_string()),
            stderr: Some(std::sync::Arc::clone(&self.stderr.bytes)),
            repro: vec![self.repro.clone()],
            seen: Some(std::sync::Arc::clone(&self.contained.seen)),
            family: Some(self.contained.family_ref()),
        }
    }

    /// A report about this program, with the transcript.
    pub fn failure(&mut self, headline: impl Into<String>) -> Failure {
        if let Ok(Some(_)) = self.child.try_wait() {
            self.stderr
                .wait_eof(Instant::now() + Duration::from_secs(1));
        }
        let shown: Vec<String> = self
            .transcript
            .iter()
            .rev()
            .take(12)
            .rev()
            .cloned()
            .collect();
        let mut failure = Failure::new(headline);
        if !shown.is_empty() {
            failure = failure.with("transcript", shown.join("\n"));
        }
        failure.context(&self.context())
    }

    /// Writes `line` and a `\n` to its stdin, within `patience`.
    #[track_caller]
    pub fn send_line(&mut self, line: &str, patience: Duration) {
        self.send(format!("{line}\n").as_bytes(), patience);
    }

    /// Writes `bytes` to its stdin, within `patience` (a program that stops
    /// reading fills the pipe, and the write is then not taken).
    #[track_caller]
    pub fn send(&mut self, bytes: &[u8], patience: Duration) {
        let shown = if bytes.len() > 120 {
            format!("> \"{}\"… ({} bytes)", escape(&bytes[..100]), bytes.len())
        } else {
            format!("> \"{}\"", escape(bytes))
        };
        self.transcript.push(shown);
        let Some(stdin) = self.stdin.as_mut() else {
            self.failure("the test wrote after closing stdin (a harness bug)")
                .raise()
        };
        let fd = stdin.as_raw_fd();
        let deadline = Instant::now() + patience;
        let mut sent = 0;
        while sent < bytes.len() {
            match stdin.write(&bytes[sent..]) {
                Ok(n) => sent += n,
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        let headline = format!(
                            "it stopped reading its stdin: {sent} of {} bytes taken within \
                             {:.1} s (the pipe is full)",
                            bytes.len(),
                            patience.as_secs_f64()
                        );
                        self.failure(headline).raise();
                    }
                    let mut poll = libc::pollfd {
                        fd,
                        events: libc::POLLOUT,
                        revents: 0,
                    };
                    let millis = left.as_millis().min(100) as libc::c_int;
                    // SAFETY: one valid pollfd, for the length of the call.
                    unsafe { libc::poll(&mut poll, 1, millis) };
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => {
                    let status = self.status_text();
                    let headline =
                        format!("writing to its stdin failed ({err}): it closed its stdin or exited ({status})");
                    self.failure(headline).raise();
                }
            }
        }
    }

    /// Closes its stdin: it reads EOF.
    pub fn close_stdin(&mut self) {
        self.transcript
            .push("(the test closed its stdin: EOF)".into());
        self.stdin = None;
    }

    fn status_text(&mut self) -> String {
        match self.child.try_wait() {
            Ok(Some(status)) => describe_status(status),
            _ => "still running".into(),
        }
    }

    /// The next line on its stdout, without its `\n` (or `\r\n`); fails the
    /// test if none comes within `patience` (longer only while it is still
    /// busy: [`crate::busy`]). `what` says what was expected.
    #[track_caller]
    pub fn expect_line(&mut self, what: &str, patience: Duration) -> String {
        let mut waiting = Patience::new(patience);
        let mut next = Next::Nothing;
        while let (Next::Nothing, Some(wait)) =
            (&next, waiting.next_wait(|| self.contained.family()))
        {
            next = self.stdout.next(wait);
        }
        match next {
            Next::Line(line) => self.took(&line),
            Next::Flooded => self.failure(flood_verdict()).raise(),
            Next::Overrun(dropped) => self.overrun(dropped),
            Next::Closed => {
                // Its stdout closed: it is exiting, or has.
                crate::exited_within(self.pid(), Duration::from_secs(1));
                let headline = match self.child.try_wait() {
                    Ok(Some(status)) => format!(
                        "it exited ({}) before writing {what}",
                        describe_status(status)
                    ),
                    _ => format!("it closed its stdout before writing {what}"),
                };
                self.failure(headline).raise()
            }
            Next::Nothing => {
                let headline = format!(
                    "no answer within {}: expected {what} (is the answer still in an \
                     output buffer? A worker flushes before it waits for more input)",
                    waiting.describe()
                );
                self.failure(headline).raise()
            }
        }
    }

    /// The next line on its stdout within `patience`, or `None` (nothing
    /// came, or its stdout closed).
    pub fn next_line(&mut self, patience: Duration) -> Option<String> {
        match self.stdout.next(patience) {
            Next::Line(line) => Some(self.took(&line)),
            Next::Flooded => self.failure(flood_verdict()).raise(),
            Next::Overrun(dropped) => self.overrun(dropped),
            Next::Nothing | Next::Closed => None,
        }
    }

    /// Fails the test: lines came faster than it read them, and some were dropped.
    fn overrun(&mut self, dropped: usize) -> ! {
        let headline = format!(
            "it wrote lines faster than the test read them: {dropped} unread lines were \
             dropped, so the next line would not be what came next (does it answer more \
             than once per line?)"
        );
        self.failure(headline).raise()
    }

    /// Records a line read, and returns it without its line end.
    fn took(&mut self, line: &[u8]) -> String {
        self.transcript.push(format!("< \"{}\"", escape(line)));
        let text = String::from_utf8_lossy(line).into_owned();
        text.trim_end_matches('\n')
            .trim_end_matches('\r')
            .to_string()
    }

    /// Waits for it to exit, failing the test if it does not within `patience`.
    #[track_caller]
    pub fn expect_exit(&mut self, why: &str, patience: Duration) -> ExitStatus {
        let deadline = Instant::now() + patience;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !crate::exited_within(self.pid(), left) {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return status;
                }
                let headline = format!(
                    "still running {:.1} s later: expected it to exit ({why})",
                    patience.as_secs_f64()
                );
                self.failure(headline).raise();
            }
        }
    }
}

impl Drop for PipedProcess {
    fn drop(&mut self) {
        self.stdin = None;
        let pid = self.child.id();
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGTERM) };
            crate::exited_within(pid, GRACE);
        }
        self.contained.kill_all();
        let _ = self.child.wait();
    }
}

/// One process as `/proc/PID/stat` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcState {
    /// `R`, `S`, `D`, `Z`, …
    pub state: char,
    pub ppid: u32,
    /// Clock ticks after boot: with the pid, it names one process for ever
    /// (a pid is reused, a (pid, start time) pair is not).
    pub start_time: u64,
    /// User plus system CPU time so far, in clock ticks.
    pub cpu_ticks: u64,
}

/// What `/proc/PID/stat` says about `pid` now, if it exists.
pub fn proc_state(pid: u32) -> Option<ProcState> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // Counted from field 3 (state): ppid 4, utime 14, stime 15, starttime 22.
    let number = |field: usize| fields.get(field - 3)?.parse::<u64>().ok();
    Some(ProcState {
        state: fields.first()?.chars().next()?,
        ppid: number(4)? as u32,
        start_time: number(22)?,
        cpu_ticks: number(14)? + number(15)?,
    })
}

/// Where each thread of `pid` is blocked in the kernel (`/proc/PID/task/TID/wchan`:
/// `pipe_write`, `anon_pipe_read`, `do_wait`, …; empty or `0` for a thread
/// that is running, or where the kernel hides it).
pub fn wchans(pid: u32) -> Vec<String> {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|task| fs::read_to_string(task.path().join("wchan")).ok())
        .map(|wchan| wchan.trim().to_string())
        .collect()
}

/// Collects the exit status of `pid` if it is a zombie child of the test
/// process (an orphan that came back to it, the subreaper): afterwards no
/// zombie is left. Never waits for anything else.
pub fn reap_if_ours(pid: u32) {
    let me = std::process::id();
    if proc_state(pid).is_some_and(|p| p.ppid == me && p.state == 'Z') {
        let mut status = 0;
        // SAFETY: waitpid on one known pid, never -1.
        unsafe { libc::waitpid(pid as libc::pid_t, &mut status, libc::WNOHANG) };
    }
}
