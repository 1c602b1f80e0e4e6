//! Hostile fixture: `hostile::exits_at_once`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: calc-server
//! rejected-by: step1_server_answers_a_number_on_each_line
//! within-s: 5

fn main() {
    hostile::exits_at_once()
}
