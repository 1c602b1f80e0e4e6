//! What the harness's own tests share: catching a failure the harness must raise.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Runs `f`, which must fail the test, and returns its report and how long it
/// took to fail.
pub fn report_of(f: impl FnOnce()) -> (String, Duration) {
    let started = Instant::now();
    let err =
        catch_unwind(AssertUnwindSafe(f)).expect_err("the harness should have failed the test");
    let text = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    (text, started.elapsed())
}
