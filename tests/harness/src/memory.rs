//! How much memory a program under test took at its peak, read from Linux's
//! `/proc`: the way a test checks that "a server never buffers without bound"
//! without trusting anything the program says about itself.

use std::collections::HashMap;
use std::fs;

use crate::Process;

/// Fails the test unless `process` (with its descendants) peaked under
/// `bound_mib` MiB of resident memory. `doing` says what it was doing ("it
/// read one 32 MiB line"), `fix` how a program stays under the bound.
#[track_caller]
pub fn expect_peak_under(process: &mut Process, bound_mib: f64, doing: &str, fix: &str) {
    let peak = peak_rss_mib(process.pid());
    if peak >= bound_mib {
        process.fail(format!(
            "the peak resident memory (VmHWM) of {} reached {peak:.1} MiB while {doing}; \
             expected under {bound_mib} MiB. {fix}",
            process.program().name()
        ));
    }
}

/// The peak resident memory (`VmHWM`, the high-water mark of RSS), in KiB, of
/// process `pid` plus each of its live descendants: a server that hands a
/// connection to a child process is measured whole.
///
/// Read it after the program did the work measured (say, received the long
/// line): the mark only ever grows, so the read cannot come too late.
pub fn peak_rss_kib(pid: u32) -> u64 {
    let mut total = 0;
    let mut stack = vec![pid];
    let children = children_by_parent();
    while let Some(pid) = stack.pop() {
        total += vm_hwm_kib(pid).unwrap_or(0);
        if let Some(kids) = children.get(&pid) {
            stack.extend(kids);
        }
    }
    total
}

/// [`peak_rss_kib`] in MiB, for failure messages.
pub fn peak_rss_mib(pid: u32) -> f64 {
    peak_rss_kib(pid) as f64 / 1024.0
}

/// The `VmHWM:` line of `/proc/PID/status`; `None` once the process is gone
/// (or for a zombie, which has no memory left).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Every live process's children, from the parent field of `/proc/*/stat`.
fn children_by_parent() -> HashMap<u32, Vec<u32>> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return children;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        if let Some(parent) = parent_of(pid) {
            children.entry(parent).or_default().push(pid);
        }
    }
    children
}

/// The parent pid: the field after the state, which follows the `)` that
/// closes the command name (a name may itself hold spaces and parentheses).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_process_has_a_peak_and_a_parent() {
        let me = std::process::id();
        assert!(peak_rss_kib(me) > 0);
        assert_eq!(parent_of(me), Some(std::os::unix::process::parent_id()));
    }

    #[test]
    fn a_child_is_counted_with_its_parent() {
        // `cat` on a pipe lives until its stdin closes: a child to measure.
        let mut child = std::process::Command::new("cat")
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let me = std::process::id();
        let alone = vm_hwm_kib(me).unwrap();
        let with_child = peak_rss_kib(me);
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(with_child > alone, "{with_child} > {alone}");
    }
}
