//! No program outlives the run that started it.

use std::fs;
use std::path::PathBuf;

use super::Tally;
use crate::kit;

/// Fails a check, and kills them, if programs of this kit are still running
/// after `what`: built in its target directory, or a foreign program of its
/// faults (a script runs as its interpreter, named on its command line).
pub fn leftovers(tally: &mut Tally, what: &str) {
    let target = kit::target_dir();
    let faults = kit::root().join("tests/faults");
    let me = std::process::id();
    let mut found = Vec::new();
    for (pid, exe, args) in processes() {
        let foreign = args.iter().any(|arg| arg.starts_with(&faults));
        if pid != me && (exe.starts_with(&target) || foreign) {
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
