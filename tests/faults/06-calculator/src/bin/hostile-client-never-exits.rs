//! Hostile fixture: `hostile::never_exits`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: calc-client
//! rejected-by: step7_client_prints_one_answer_per_line
//! within-s: 5

fn main() {
    hostile::never_exits()
}
