//! Threads of a test that keep its README step: a failure on any of them
//! reports the step the test named, and becomes the test's failure.

use std::thread::{self, JoinHandle};

use crate::report::{current_step, step};

/// Runs `work` on a thread of its own whose failure reports name the same
/// README step as the test that started it. Wait for it with [`join`].
pub fn spawn_in_step<T, F>(work: F) -> JoinHandle<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let named = current_step();
    thread::spawn(move || {
        if let Some((number, what)) = named {
            step(number, &what);
        }
        work()
    })
}

/// Waits for a thread of the test; its failure becomes the test's (its
/// report was already printed as it failed).
pub fn join<T>(handle: JoinHandle<T>) -> T {
    handle
        .join()
        .unwrap_or_else(|failure| std::panic::resume_unwind(failure))
}
