//! Fault: the coordinator never checks whether any worker is left: when all
//! have died it goes on waiting for answers that cannot come.
//!
//! replaces: pi-coordinator
//! rejected-by: step5_all_workers_failing_exits_1

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
        // The mistake: only "every task answered" ends the loop.
        if coordinator.answered == coordinator.tasks {
            break Outcome::Done;
        }
        match coordinator.next_event() {
            Some(Event::Signal(signal)) => break Outcome::Signalled(signal),
            Some(event) => coordinator.on_event(event),
            None => coordinator.expire_overdue(),
        }
    };
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
