//! Hostile fixture: `hostile::exits_at_once`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: file-server
//! rejected-by: step1_server_saves_an_upload
//! within-s: 5

fn main() {
    hostile::exits_at_once()
}
