//! Hostile fixture: `hostile::listens_but_never_answers`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: latency-server
//! rejected-by: step1_server_echoes_every_size
//! within-s: 5

fn main() {
    hostile::listens_but_never_answers()
}
