//! How much memory a program under test took at its peak, read from Linux's
//! `/proc`: the way a test checks that "a server never buffers without bound"
//! without trusting anything the program says about itself.

use std::fs;

use crate::Process;

/// Fails the test unless `process` (with its descendants) peaked under
/// `bound_mib` MiB of resident memory. `doing` says what it was doing ("it
/// read one 32 MiB line"), `fix` how a program stays under the bound.
#[track_caller]
pub fn expect_peak_under(process: &mut Process, bound_mib: f64, doing: &str, fix: &str) {
    let peak = peak_rss_mib(process);
    if peak >= bound_mib {
        process.fail(format!(
            "the peak resident memory (VmHWM) of {} reached {peak:.1} MiB while {doing}; \
             expected under {bound_mib} MiB. {fix}",
            process.program().name()
        ));
    }
}

/// Fails the test unless `process` (with its descendants) grew its peak
/// resident memory by under `bound_mib` MiB since `before_mib` (its
/// [`peak_rss_mib`] read before the work measured). A bound on growth, not
/// on the total: an interpreter's own start-up (a Python program begins near
/// 10 MiB) is not what the test is about.
#[track_caller]
pub fn expect_peak_growth_under(
    process: &mut Process,
    before_mib: f64,
    bound_mib: f64,
    doing: &str,
    fix: &str,
) {
    let peak = peak_rss_mib(process);
    if peak - before_mib >= bound_mib {
        process.fail(format!(
            "the peak resident memory (VmHWM) of {} grew from {before_mib:.1} MiB to {peak:.1} MiB \
             while {doing}; expected it to grow by under {bound_mib} MiB. {fix}",
            process.program().name()
        ));
    }
}

/// The peak resident memory (`VmHWM`, the high-water mark of RSS), in KiB, of
/// `process` plus every live process of its family (everything it started,
/// however it detached): a server that hands a connection to a child process is
/// measured whole.
///
/// Read it after the program did the work measured (say, received the long
/// line): the mark only ever grows, so the read cannot come too late.
pub fn peak_rss_kib(process: &Process) -> u64 {
    process.family().into_iter().filter_map(vm_hwm_kib).sum()
}

/// [`peak_rss_kib`] in MiB, for failure messages.
pub fn peak_rss_mib(process: &Process) -> f64 {
    peak_rss_kib(process) as f64 / 1024.0
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Program;

    #[test]
    fn a_program_and_its_child_are_measured_together() {
        // A shell that starts `sleep` and waits: two processes to add up
        // (`sleep`, not `cat`: the harness gives a program no stdin to read).
        let mut process = Process::spawn(
            Program::system("sh", "/bin/sh"),
            &["-c", "sleep 30 & echo started; wait"],
        );
        process.expect_stdout_line("`started`", crate::PATIENCE);
        let alone = vm_hwm_kib(process.pid()).unwrap();
        assert!(peak_rss_kib(&process) > alone);
    }
}
