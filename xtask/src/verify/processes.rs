//! No program outlives the run that started it.
//!
//! Only this run's programs count: verify puts a mark in its own environment
//! ([`mark_this_run`]) that every process it starts inherits, down to the
//! servers its tests start. A test run by hand beside verify, in the same
//! target directory, has no mark, and is neither reported nor killed.

use std::fs;
use std::path::PathBuf;

use super::Tally;
use crate::kit;

/// The variable that marks this run's processes. Not `IPC_KIT_…`: verify
/// clears those from what it starts.
const MARK: &str = "XTASK_VERIFY_RUN";

/// Marks every process this run starts from now on. Called once, before
/// verify starts any thread.
pub fn mark_this_run() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    std::env::set_var(MARK, format!("{}-{}", std::process::id(), now.as_nanos()));
}

/// Fails a check, and kills them, if programs of this run are still running
/// after `what`: built in the kit's target directory, or a foreign program
/// of its faults (a script runs as its interpreter, named on its command
/// line). A program that clears its environment escapes this last check;
/// the harness has contained it already (docs/containment.md).
pub fn leftovers(tally: &mut Tally, what: &str) {
    leftovers_marked(tally, what, std::env::var(MARK).ok().as_deref());
}

/// [`leftovers`], for the programs marked `token` (all, for `None`).
fn leftovers_marked(tally: &mut Tally, what: &str, token: Option<&str>) {
    let target = kit::target_dir();
    let faults = kit::root().join("tests/faults");
    let me = std::process::id();
    let mark = match token {
        Some(token) => format!("{MARK}={token}").into_bytes(),
        None => Vec::new(),
    };
    let mut found = Vec::new();
    for (pid, exe, args) in processes() {
        let foreign = args.iter().any(|arg| arg.starts_with(&faults));
        if pid != me && (exe.starts_with(&target) || foreign) && marked(pid, &mark) {
            found.push(format!("{pid} {}", exe.display()));
            kill(pid);
        }
    }
    if !found.is_empty() {
        tally.check(
            false,
            format!("no program outlives {what}: still running {found:?}"),
        );
    }
}

/// Whether the process's environment holds `mark` (every process does, when
/// there is no mark).
fn marked(pid: u32, mark: &[u8]) -> bool {
    if mark.is_empty() {
        return true;
    }
    // A program caught in the middle of its `exec` shows an empty
    // environment for a moment (the kernel sets it up after the parent has
    // been let go): look again, briefly, before calling it unmarked.
    for _ in 0..20 {
        let environ = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        if !environ.is_empty() {
            return environ.split(|b| *b == 0).any(|entry| entry == mark);
        }
        std::thread::sleep(std::time::Duration::from_millis(5)); // pace: a second look
    }
    false
}

/// Every process we can see, with its executable and command line.
fn processes() -> Vec<(u32, PathBuf, Vec<PathBuf>)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = fs::read_link(entry.path().join("exe")).ok()?;
            let args = fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let args = args
                .split(|b| *b == 0)
                .map(|arg| PathBuf::from(String::from_utf8_lossy(arg).into_owned()))
                .collect();
            Some((pid, exe, args))
        })
        .collect()
}

fn kill(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use super::*;

    /// A copy of `cat` in the target directory stands in for a kit program:
    /// it waits on its stdin for as long as the test holds it open.
    fn idle_program() -> PathBuf {
        let dir = kit::target_dir().join("verify-processes-test");
        fs::create_dir_all(&dir).unwrap();
        let copy = dir.join("idle-cat");
        if !copy.exists() {
            fs::copy("/bin/cat", &copy).unwrap();
        }
        copy
    }

    #[test]
    fn only_what_this_run_started_is_reported_and_killed() {
        // A mark of this test's own, given to one program only: with the
        // process-wide mark, every program the other tests of this binary
        // start meanwhile would be this run's too, and be killed.
        let token = format!("test-{}", std::process::id());
        let program = idle_program();
        let spawn = |marked: bool| {
            let mut command = Command::new(&program);
            command.env_remove(MARK);
            if marked {
                command.env(MARK, &token);
            }
            command.stdin(Stdio::piped());
            // The copy may be held open for a moment by a program another
            // test forked while it was written (the descriptor closes on
            // exec): "Text file busy", until that one has exec'd.
            for _ in 0..100 {
                match command.spawn() {
                    Err(err) if err.raw_os_error() == Some(libc::ETXTBSY) => {
                        std::thread::sleep(Duration::from_millis(10)); // pace: a retry
                    }
                    spawned => return spawned.unwrap(),
                }
            }
            panic!("{} stayed busy for 1 s", program.display())
        };
        let mut ours = spawn(true);
        let mut someone_elses = spawn(false);

        // What the scan will see of it, for the report if it is not found
        // (it once saw an empty environment, mid-exec: `marked` looks again).
        let seen = format!(
            "pid {} exe {:?} marked {} (target {:?})",
            ours.id(),
            fs::read_link(format!("/proc/{}/exe", ours.id())),
            marked(ours.id(), format!("{MARK}={token}").as_bytes()),
            kit::target_dir()
        );
        let mut tally = Tally::default();
        leftovers_marked(&mut tally, "this test", Some(&token));
        assert_eq!(
            tally.failed,
            1,
            "exactly the marked program is a leftover: {seen}; still running: {:?}",
            ours.try_wait()
        );
        // Killed: it ends although its stdin is still open.
        let status = ours.wait().unwrap();
        assert!(!status.success(), "the marked program was killed");
        // Not this run's: still running until its stdin closes.
        assert!(someone_elses.try_wait().unwrap().is_none());
        drop(someone_elses.stdin.take());
        assert!(someone_elses.wait().unwrap().success());
    }
}
