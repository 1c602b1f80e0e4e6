//! Crashing a program on purpose: `kill -9` at a moment the test picks by an
//! event (a client that has just been answered), from any thread of the test.
//!
//! SIGKILL cannot be caught: no destructor runs, no buffer is flushed, the
//! program stops between two instructions. What it had written with `write`
//! is in the kernel and survives; what it held in its own memory (a
//! `BufWriter`, a book not yet saved) is gone. That is the crash a test can
//! make; a power loss, which also loses what the kernel had not yet written
//! to the disk, it cannot.

use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::{Process, PATIENCE};

/// A loaded `kill -9` for one program, which any thread may fire once.
#[derive(Debug)]
pub struct Crash {
    pid: libc::pid_t,
    fired: AtomicBool,
}

impl Crash {
    /// Arms a crash of `process` (a server's: `server.process()`). From now on
    /// its exit is expected: it is not reported as leaving its test.
    pub fn arm(process: &mut Process) -> Arc<Crash> {
        // Waiting for no time marks the exit as one the test asked for.
        let _ = process.wait(Duration::ZERO);
        Arc::new(Crash {
            pid: process.pid() as libc::pid_t,
            fired: AtomicBool::new(false),
        })
    }

    /// Sends SIGKILL to the program's process group, the first time only.
    /// Returns whether this call was the one that fired.
    pub fn fire(&self) -> bool {
        if self.fired.swap(true, Ordering::SeqCst) {
            return false;
        }
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(-self.pid, libc::SIGKILL);
        }
        true
    }

    /// Whether it was fired.
    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

/// `kill -9` now, and wait for the program to be gone.
pub fn kill_9(process: &mut Process) -> ExitStatus {
    Crash::arm(process).fire();
    process.expect_exit("it was sent SIGKILL", PATIENCE)
}
