//! The student tools as a student runs them: the built xtask, from the kit's
//! root, with stdout piped (so `watch` prints once and exits), against the
//! untouched stub of exercise 01.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one xtask run may take: building and running a stub's tests.
const PATIENCE: Duration = Duration::from_secs(300);

/// Runs `xtask ARGS` from the kit root; its stdout, once it succeeded. It runs
/// in a process group of its own, killed whole at the deadline, so no cargo
/// or test program it started outlives the test.
fn xtask(args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the xtask binary");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for xtask") {
            break Some(status);
        }
        if Instant::now() > deadline {
            // SAFETY: a plain syscall on the group this test started.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50)); // pace the poll of try_wait
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(
        status.is_some_and(|s| s.success()),
        "xtask {args:?}: {status:?} (None: still running after {PATIENCE:?}, killed)\n\
         by hand: cargo xtask {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        args.join(" ")
    );
    stdout
}

/// Reads a pipe to its end on a thread, so a full pipe never stalls xtask.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// On a stub: short enough to read, step 1 to do, one report (not twenty).
#[test]
fn watch_on_the_stub_shows_the_checklist_and_one_failure() {
    let out = xtask(&["watch", "01-latency"]);
    let lines = out.lines().count();
    assert!(lines < 40, "watch printed {lines} lines, want < 40:\n{out}");
    assert!(
        out.lines().any(|l| l.starts_with("[ ] step 1: ")),
        "no `[ ] step 1: …` line in:\n{out}"
    );
    let reports = out.matches("---- ").count();
    assert_eq!(
        reports, 1,
        "want exactly one failure report, got {reports}:\n{out}"
    );
    assert!(
        out.contains("README step 1"),
        "the report is not step 1's:\n{out}"
    );
}

/// `hint 01-latency 1` prints the README's step-1 hint, and only that.
#[test]
fn hint_prints_the_readmes_hint_for_the_step() {
    let out = xtask(&["hint", "01-latency", "1"]);
    assert!(
        out.contains("UdpSocket::bind((host.as_str(), port))"),
        "not step 1's hint:\n{out}"
    );
    assert!(
        !out.contains("### Step 2"),
        "more than step 1's hint:\n{out}"
    );
    let by_crate = xtask(&["hint", "latency", "1"]);
    assert_eq!(
        by_crate, out,
        "`latency` and `01-latency` name the same exercise"
    );
}
