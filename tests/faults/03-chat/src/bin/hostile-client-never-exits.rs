//! Hostile fixture: `hostile::never_exits`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: chat-client
//! rejected-by: step5_client_fails_without_a_server
//! within-s: 5

fn main() {
    hostile::never_exits()
}
