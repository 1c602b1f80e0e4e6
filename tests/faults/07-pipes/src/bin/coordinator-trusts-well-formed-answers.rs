//! Fault: the coordinator takes any three numbers whose id it is waiting for
//! as that task's answer: it never checks the answer's samples against the
//! task's, nor that `inside <= samples`, so a worker that lies in a
//! well-formed line changes the result instead of being dropped.
//!
//! replaces: pi-coordinator
//! rejected-by: step5_a_worker_that_answers_a_well_formed_lie

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

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
            Some(Event::Line(i, Line::Text(bytes))) if coordinator.workers[i].alive => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let worker = &mut coordinator.workers[i];
                // The mistake: the task is found by its id alone.
                let found = parse_answer(&text).and_then(|answer| {
                    let at = worker.outstanding.iter().position(|t| t.id == answer.id)?;
                    Some((at, answer.inside))
                });
                match found {
                    Some((at, inside)) => {
                        worker.outstanding.remove(at);
                        worker.waiting_since = Instant::now();
                        coordinator.inside += inside;
                        coordinator.answered += 1;
                    }
                    None => coordinator.on_line(i, Line::Text(bytes)),
                }
            }
            Some(event) => coordinator.on_event(event),
            None => coordinator.expire_overdue(),
        }
    };
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}
