//! Fault: the coordinator waits `recv_timeout(T)` for the next event, from
//! whichever worker: every answer of a busy worker starts the wait again, so
//! a silent worker is dropped only once the others have run out of work, not
//! T ms after it began to owe an answer.
//!
//! replaces: pi-coordinator
//! rejected-by: step5_a_silent_worker_is_dropped_while_the_others_still_work

use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};

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
        // The mistake: T from now, not from the earliest deadline.
        match coordinator.events.recv_timeout(coordinator.task_timeout) {
            Ok(Event::Signal(signal)) => break Outcome::Signalled(signal),
            Ok(event) => coordinator.on_event(event),
            Err(RecvTimeoutError::Timeout) => coordinator.expire_overdue(),
            Err(RecvTimeoutError::Disconnected) => unreachable!("the signal thread keeps a sender"),
        }
    };
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
