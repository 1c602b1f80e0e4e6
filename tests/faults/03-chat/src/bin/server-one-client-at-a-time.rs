//! Fault: each client is served on the accepting thread: the next client is
//! accepted only when the current one has gone.
//!
//! replaces: chat-server
//! rejected-by: step1_a_message_reaches_every_other_member_once

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::OneClientAtATime)
}
