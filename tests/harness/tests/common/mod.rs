//! What the harness's own tests share: catching a failure the harness must raise.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Runs `f`, which must fail the test, and returns its report and how long it
/// took to fail.
pub fn report_of(f: impl FnOnce()) -> (String, Duration) {
    no_backtraces();
    let started = Instant::now();
    let err =
        catch_unwind(AssertUnwindSafe(f)).expect_err("the harness should have failed the test");
    let text = message_of(&*err).unwrap_or_default().to_string();
    (text, started.elapsed())
}

/// Prints a self-test's own panic as its message and place, never with a
/// backtrace, whatever `RUST_BACKTRACE` says. Resolving a backtrace loads the
/// test binary's debug information (some 45 MiB), and every test in the
/// process shares one peak memory: one failing test would then fail each
/// later "the test process stays small" check, hiding which failure came
/// first. It is installed by the first [`report_of`] of the process; the
/// harness's reports are printed either by its own hook or by this one.
fn no_backtraces() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("<unnamed>");
            let place = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            let message = message_of(info.payload()).unwrap_or("(a panic without a message)");
            eprintln!("thread '{name}' panicked at {place}:\n{message}");
        }));
    });
}

/// A panic's message, which is a `String` or a `&str`.
fn message_of(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}
