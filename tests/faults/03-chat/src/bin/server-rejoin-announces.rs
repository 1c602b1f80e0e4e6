//! Fault: `/join` to the room the client is already in leaves it and joins it
//! again, sending a `LEAVE` and a `JOIN` where nothing changed.
//!
//! replaces: chat-server
//! rejected-by: step2_join_switches_rooms

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::RejoinAnnounces)
}
