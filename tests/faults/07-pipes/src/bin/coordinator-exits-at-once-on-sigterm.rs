//! Fault: on SIGINT or SIGTERM the coordinator exits at once (with the right
//! code), without stopping its workers: a worker busy with a long task goes on
//! running, an orphan.
//!
//! replaces: pi-coordinator
//! rejected-by: step6_sigterm_mid_run_leaves_no_worker

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;

use clap::Parser;
use pipes::coordinator::{report, Coordinator};
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let args = CoordinatorArgs::parse();
    // SAFETY: plain libc calls on a sigset_t we own.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    thread::spawn(move || {
        let mut signal = 0;
        // SAFETY: sigwait reads the set and writes the signal number.
        unsafe { libc::sigwait(&set, &mut signal) };
        std::process::exit(128 + signal); // the mistake: the workers are left running
    });
    let (sender, receiver) = mpsc::channel();
    let mut coordinator = Coordinator::start(&args, (sender, receiver));
    let outcome = coordinator.run();
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
