//! Hostile fixture: `hostile::never_exits`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: file-client
//! rejected-by: step3_client_fails_when_the_server_refuses
//! within-s: 5

fn main() {
    hostile::never_exits()
}
