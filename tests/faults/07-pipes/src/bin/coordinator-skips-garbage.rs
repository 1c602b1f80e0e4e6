//! Fault: the coordinator skips a line that is not an answer and waits on for
//! the real one: a worker that answers garbage keeps its tasks until the task
//! timeout (10 s), instead of being dropped at once.
//!
//! replaces: pi-coordinator
//! rejected-by: step5_a_worker_that_answers_garbage

use std::process::ExitCode;
use std::sync::mpsc;

use clap::Parser;
use pipes::coordinator::{forward_signals, report, Coordinator, Event, Outcome};
use pipes::lines::Line;
use pipes::protocol::parse_answer;
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
        match coordinator.next_event() {
            Some(Event::Signal(signal)) => break Outcome::Signalled(signal),
            // The mistake: a line that does not parse is skipped.
            Some(Event::Line(_, Line::Text(bytes)))
                if parse_answer(&String::from_utf8_lossy(&bytes)).is_none() => {}
            Some(event) => coordinator.on_event(event),
            None => coordinator.expire_overdue(),
        }
    };
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
