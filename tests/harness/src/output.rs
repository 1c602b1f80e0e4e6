//! What a client printed, checked whole: the one way the tests compare a
//! client's stdout with what the README says it prints.

use crate::Run;

/// Fails the test unless `run` printed exactly `expected` on stdout; `why`
/// says what it should have printed, `by_hand` (if any) how to see it by hand.
#[track_caller]
pub fn expect_stdout(run: &Run, expected: &str, why: &str, by_hand: Option<&str>) {
    if run.stdout() != expected {
        let mut failure = run
            .failure(format!("wrong output on stdout: {why}"))
            .got_vs_expected(run.stdout().as_bytes(), expected.as_bytes());
        if let Some(line) = by_hand {
            failure = failure.with("by hand", line);
        }
        failure.raise();
    }
}
