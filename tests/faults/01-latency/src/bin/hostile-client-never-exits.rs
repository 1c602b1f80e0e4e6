//! Hostile fixture: `hostile::never_exits`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: latency-client
//! rejected-by: step6_client_gives_up_without_a_server
//! within-s: 5

fn main() {
    hostile::never_exits()
}
