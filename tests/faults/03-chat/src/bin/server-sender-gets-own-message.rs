//! Fault: the broadcast loop does not skip the sender, so every message comes
//! back to the client that sent it.
//!
//! replaces: chat-server
//! rejected-by: step1_a_message_reaches_every_other_member_once

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::SenderGetsOwnMessage)
}
