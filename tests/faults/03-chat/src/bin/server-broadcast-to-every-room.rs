//! Fault: a message goes to every connected client, whatever its room: the
//! lecture's one-room server with rooms bolted on.
//!
//! replaces: chat-server
//! rejected-by: step2_rooms_are_isolated

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::BroadcastToEveryRoom)
}
