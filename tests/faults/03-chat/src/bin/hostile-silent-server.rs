//! Hostile fixture: `hostile::listens_but_never_answers`. The harness must fail the test within
//! seconds and leave nothing running.
//!
//! replaces: chat-server
//! rejected-by: step1_a_message_reaches_every_other_member_once
//! within-s: 5

fn main() {
    hostile::listens_but_never_answers()
}
