//! Fault: the coordinator ignores the signs of a dead worker: EOF on its
//! stdout is not looked at, and a failed write (`EPIPE`) is dropped with
//! `let _ =`. The dead worker's tasks are never answered, and the run waits
//! for them until the task timeout (10 s).
//!
//! replaces: pi-coordinator
//! rejected-by: step5_a_worker_that_dies_after_3_answers

use std::io::Write;
use std::process::ExitCode;
use std::sync::mpsc;

use clap::Parser;
use pipes::coordinator::{forward_signals, report, Coordinator, Event, Outcome, WINDOW};
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let args = CoordinatorArgs::parse();
    let (sender, receiver) = mpsc::channel();
    forward_signals(sender.clone());
    let mut coordinator = Coordinator::start(&args, (sender, receiver));
    // The solution's loop, with the mistake.
    let outcome = loop {
        hand_out(&mut coordinator);
        if let Some(outcome) = coordinator.finished() {
            break outcome;
        }
        match coordinator.next_event() {
            Some(Event::Signal(signal)) => break Outcome::Signalled(signal),
            Some(Event::Closed(_)) => {} // the mistake: a dead worker is still counted on
            Some(event) => coordinator.on_event(event),
            None => coordinator.expire_overdue(),
        }
    };
    coordinator.shutdown();
    report(&args, &coordinator, outcome)
}

/// The solution's `hand_out`, with write errors dropped.
fn hand_out(coordinator: &mut Coordinator) {
    for worker in coordinator.workers.iter_mut().filter(|w| w.alive) {
        while worker.outstanding.len() < WINDOW {
            let Some(task) = coordinator.pending.pop() else {
                break;
            };
            let _ = writeln!(worker.stdin.as_mut().unwrap(), "{task}"); // the mistake
            worker.outstanding.push_back(task);
        }
    }
}
