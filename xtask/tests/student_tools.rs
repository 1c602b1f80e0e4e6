//! The student tools as a student runs them: the built xtask, from the kit's
//! root, with stdout piped (so `watch` prints once and exits), against the
//! untouched stub of exercise 01.

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `xtask ARGS` from the kit root; its stdout, once it succeeded.
fn xtask(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("run the xtask binary");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "xtask {args:?} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    stdout
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
