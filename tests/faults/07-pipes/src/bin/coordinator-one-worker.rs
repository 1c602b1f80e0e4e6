//! Fault: the coordinator starts one worker whatever `--workers` says (and
//! still prints `workers=N`): the answer is right, the parallelism is gone.
//!
//! replaces: pi-coordinator
//! rejected-by: step4_n_workers_each_get_tasks

use std::process::ExitCode;
use std::sync::mpsc;

use clap::Parser;
use pipes::coordinator::{forward_signals, report, Coordinator};
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let args = CoordinatorArgs::parse();
    let (sender, receiver) = mpsc::channel();
    forward_signals(sender.clone());
    let one = CoordinatorArgs {
        workers: 1, // the mistake
        ..args.clone()
    };
    let mut coordinator = Coordinator::start(&one, (sender, receiver));
    let outcome = coordinator.run();
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
