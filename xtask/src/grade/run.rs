//! Running a program under a deadline, in a process group of its own.
//!
//! libtest has no per-test timeout, so grading runs each test binary for one
//! test at a time (`<binary> <name> --exact`) and kills its whole process group
//! when the deadline passes. The programs a test starts sit in process groups
//! of their own (the harness does that), and die with the test process through
//! `PR_SET_PDEATHSIG`.
//!
//! SIGINT, SIGTERM and SIGHUP do not end grading: they set a flag, the program
//! running is killed, and the report is written with what was graded so far.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// At most this much of a program's output is kept (the end is what matters).
const KEEP: usize = 4 << 20;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// From now on SIGINT, SIGTERM and SIGHUP only set [`interrupted`].
pub fn catch_interrupts() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { libc::signal(signal, handler) };
    }
}

/// Whether a signal asked grading to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// How a program's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Exited(ExitStatus),
    /// Killed at its deadline.
    Deadline,
    /// Killed because grading was interrupted.
    Interrupted,
}

/// A finished run: how it ended and what it printed.
#[derive(Debug)]
pub struct Finished {
    pub ended: Ended,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        matches!(self.ended, Ended::Exited(status) if status.success())
    }
}

/// Runs `command` with its output captured until it exits, `deadline`
/// passes, or grading is interrupted; in the last two cases its process
/// group is killed.
pub fn run(mut command: Command, deadline: Instant) -> Result<Finished, String> {
    let mut child = command
        .env("RUST_BACKTRACE", "0")
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    let stdout = collect(child.stdout.take().expect("piped"));
    let stderr = collect(child.stderr.take().expect("piped"));
    let group = child.id() as libc::pid_t;
    let ended = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Ended::Exited(status);
        }
        let cut = if interrupted() {
            Some(Ended::Interrupted)
        } else if Instant::now() >= deadline {
            Some(Ended::Deadline)
        } else {
            None
        };
        if let Some(ended) = cut {
            // SAFETY: kill(2) on the group we created for this child.
            unsafe { libc::kill(-group, libc::SIGKILL) };
            let _ = child.wait();
            break ended;
        }
        thread::sleep(Duration::from_millis(10)); // polling interval, not a wait for readiness
    };
    // Pipes close when the last process holding them ends; one that escaped
    // the group must not hold grading up.
    let patience = Instant::now() + Duration::from_secs(2);
    Ok(Finished {
        ended,
        stdout: stdout.take(patience),
        stderr: stderr.take(patience),
    })
}

/// Kills every process whose executable lies under `dir`, and says how many:
/// a program that left its process group and outlived its test (a daemon
/// that forked away) must not hold a port while the next exercise is graded.
pub fn sweep(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let me = std::process::id();
    let mut killed = 0;
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let exe = std::fs::read_link(entry.path().join("exe")).unwrap_or_default();
        if pid != me && exe.starts_with(dir) {
            // SAFETY: kill(2) on a pid we just read; no memory is involved.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            killed += 1;
        }
    }
    killed
}

/// A pipe read to its end on a thread of its own.
struct Collected {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: Arc<AtomicBool>,
}

fn collect(mut pipe: impl Read + Send + 'static) -> Collected {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let (into, finished) = (bytes.clone(), done.clone());
    thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        while let Ok(n @ 1..) = pipe.read(&mut buffer) {
            let mut kept = into.lock().unwrap();
            kept.extend_from_slice(&buffer[..n]);
            if kept.len() > KEEP {
                let cut = kept.len() - KEEP;
                kept.drain(..cut);
            }
        }
        finished.store(true, Ordering::SeqCst);
    });
    Collected { bytes, done }
}

impl Collected {
    fn take(self, patience: Instant) -> String {
        while !self.done.load(Ordering::SeqCst) && Instant::now() < patience {
            thread::sleep(Duration::from_millis(10)); // polling interval
        }
        let bytes = std::mem::take(&mut *self.bytes.lock().unwrap());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_past_its_deadline_is_killed_with_its_group() {
        let mut command = Command::new("sh");
        // The child sleeps on in the background: killing the group ends it too,
        // else its open stdout would hold the pipe (and this test) for 60 s.
        command.args(["-c", "echo started; sleep 60 & sleep 60"]);
        let started = Instant::now();
        let finished = run(command, Instant::now() + Duration::from_millis(300)).unwrap();
        assert_eq!(finished.ended, Ended::Deadline);
        assert_eq!(finished.stdout, "started\n");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_program_that_ends_reports_its_status_and_output() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let finished = run(command, Instant::now() + Duration::from_secs(30)).unwrap();
        assert!(matches!(finished.ended, Ended::Exited(s) if s.code() == Some(3)));
        assert_eq!(
            (finished.stdout.as_str(), finished.stderr.as_str()),
            ("out\n", "err\n")
        );
    }
}
