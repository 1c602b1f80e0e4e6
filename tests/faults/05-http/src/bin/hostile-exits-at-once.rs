//! Hostile fixture: `hostile::exits_at_once`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: http-server
//! rejected-by: step1_every_response_has_the_four_headers
//! within-s: 5

fn main() {
    hostile::exits_at_once()
}
