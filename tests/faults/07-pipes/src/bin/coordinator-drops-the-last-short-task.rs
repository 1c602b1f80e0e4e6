//! Fault: the coordinator makes S / C whole tasks of C samples and forgets
//! the remainder: when S is not a multiple of C, the last, smaller task is
//! never computed.
//!
//! replaces: pi-coordinator
//! rejected-by: step2_coordinator_prints_the_exact_result

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
    // The mistake: only whole chunks (`samples / chunk` tasks).
    coordinator
        .pending
        .retain(|task| task.samples == args.chunk);
    coordinator.tasks = coordinator.pending.len();
    let outcome = coordinator.run();
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
