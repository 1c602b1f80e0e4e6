//! Hostile fixture: `hostile::never_listens`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: http-server
//! rejected-by: step1_every_response_has_the_four_headers
//! within-s: 5

fn main() {
    hostile::never_listens()
}
