//! Fault: the coordinator waits for the next event without a timeout, so a
//! worker that reads its tasks and never answers holds them for ever.
//!
//! replaces: pi-coordinator
//! rejected-by: step5_a_silent_worker_is_dropped_after_the_task_timeout

use std::process::ExitCode;
use std::sync::mpsc;

use clap::Parser;
use pipes::coordinator::{forward_signals, report, Coordinator, Event, Outcome};
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let args = CoordinatorArgs::parse();
    let (sender, receiver) = mpsc::channel();
    forward_signals(sender.clone());
    let mut coordinator = Coordinator::start(&args, (sender, receiver));
    let outcome = loop {
        coordinator.hand_out();
        if let Some(outcome) = coordinator.finished() {
            break outcome;
        }
        // The mistake: `recv()`, no deadline.
        match coordinator.events.recv().expect("an event") {
            Event::Signal(signal) => break Outcome::Signalled(signal),
            event => coordinator.on_event(event),
        }
    };
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
