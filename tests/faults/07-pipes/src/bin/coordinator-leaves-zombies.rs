//! Fault: on its way out the coordinator closes its workers' stdin and kills
//! the ones still alive, but never waits for any: each one that exited stays
//! a zombie (its exit status never collected).
//!
//! replaces: pi-coordinator
//! rejected-by: step6_no_worker_left_after_it_exits

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use clap::Parser;
use pipes::coordinator::{forward_signals, report, Coordinator, Event, GRACE};
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let args = CoordinatorArgs::parse();
    let (sender, receiver) = mpsc::channel();
    forward_signals(sender.clone());
    let mut coordinator = Coordinator::start(&args, (sender, receiver));
    let outcome = coordinator.run();
    // The solution's shutdown, without the waits.
    let deadline = Instant::now() + GRACE;
    for worker in &mut coordinator.workers {
        worker.stdin = None;
    }
    let mut open = coordinator.workers.iter().filter(|w| w.alive).count();
    while open > 0 {
        match coordinator
            .events
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(Event::Closed(_)) => open -= 1,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    for worker in coordinator.workers.iter_mut().filter(|w| w.alive) {
        let _ = worker.child.kill(); // the mistake: no wait() after it
    }
    report(&args, &coordinator, outcome)
}
