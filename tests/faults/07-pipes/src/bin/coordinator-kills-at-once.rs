//! Fault: on its way out the coordinator closes its workers' stdin and kills
//! every one still running at once, without the 500 ms of grace: a worker
//! that needs a moment to finish after EOF never gets it.
//!
//! replaces: pi-coordinator
//! rejected-by: step6_workers_get_500_ms_to_exit_after_eof

use std::process::ExitCode;
use std::sync::mpsc;

use clap::Parser;
use pipes::coordinator::{forward_signals, report, Coordinator};
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let args = CoordinatorArgs::parse();
    let (sender, receiver) = mpsc::channel();
    forward_signals(sender.clone());
    let mut coordinator = Coordinator::start(&args, (sender, receiver));
    let outcome = coordinator.run();
    for worker in &mut coordinator.workers {
        worker.stdin = None;
        if worker.alive {
            worker.alive = false;
            // The mistake: no wait for its EOF first.
            let _ = worker.child.kill();
            let _ = worker.child.wait();
        }
    }
    report(&args, &coordinator, outcome)
}
