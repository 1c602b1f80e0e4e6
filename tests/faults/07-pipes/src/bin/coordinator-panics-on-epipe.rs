//! Fault: the coordinator `expect`s every write to a worker's stdin. Rust
//! ignores SIGPIPE, so writing to a worker that closed its stdin returns
//! `EPIPE`, and the `expect` turns it into a panic (exit 101) instead of
//! dropping that one worker.
//!
//! replaces: pi-coordinator
//! rejected-by: step5_a_worker_that_closes_its_stdin_early

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
    let outcome = loop {
        hand_out(&mut coordinator);
        if let Some(outcome) = coordinator.finished() {
            break outcome;
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

/// The solution's `hand_out`, with the write `expect`ed.
fn hand_out(coordinator: &mut Coordinator) {
    for worker in coordinator.workers.iter_mut().filter(|w| w.alive) {
        let mut batch = String::new();
        while worker.outstanding.len() < WINDOW {
            let Some(task) = coordinator.pending.pop() else {
                break;
            };
            batch.push_str(&format!("{task}\n"));
            worker.outstanding.push_back(task);
        }
        if !batch.is_empty() {
            let stdin = worker.stdin.as_mut().unwrap();
            stdin.write_all(batch.as_bytes()).expect("write tasks"); // the mistake
        }
    }
}
