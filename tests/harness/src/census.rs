//! What a program under test holds right now, counted over its whole family
//! (the program and everything it started, however it detached): threads and
//! resident memory, read from Linux's `/proc`. A server that forks a process
//! per client is counted whole, so it cannot look small by spreading out.

use std::fs;

use crate::Process;

/// One look at a program's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Census {
    /// Live processes in the family (the program included).
    pub processes: usize,
    /// Their threads, summed (`Threads:` in `/proc/PID/status`).
    pub threads: u64,
    /// Their resident memory now, summed (`VmRSS:`), in KiB.
    pub rss_kib: u64,
}

impl Census {
    /// "203 threads in 1 process", "40 threads in 20 processes".
    pub fn threads_shown(&self) -> String {
        let plural = |n: u64, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "es" });
        format!(
            "{} thread{} in {}",
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            plural(self.processes as u64, "process")
        )
    }
}

/// Counts the threads and resident memory of `process` and its family now.
pub fn census(process: &Process) -> Census {
    let mut census = Census {
        processes: 0,
        threads: 0,
        rss_kib: 0,
    };
    for pid in process.family() {
        let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status")) else {
            continue; // gone meanwhile
        };
        census.processes += 1;
        census.threads += field(&status, "Threads:").unwrap_or(0);
        census.rss_kib += field(&status, "VmRSS:").unwrap_or(0);
    }
    census
}

/// The number after `name` in a `/proc/PID/status` text (`kB` dropped).
fn field(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Program;

    #[test]
    fn a_program_and_its_child_are_counted_together() {
        let mut process = Process::spawn(
            Program::system("sh", "/bin/sh"),
            &["-c", "sleep 30 & echo started; wait"],
        );
        process.expect_stdout_line("`started`", crate::PATIENCE);
        let counted = census(&process);
        assert_eq!(counted.processes, 2, "{counted:?}");
        assert_eq!(counted.threads, 2, "{counted:?}");
        assert!(counted.rss_kib > 0);
    }
}
