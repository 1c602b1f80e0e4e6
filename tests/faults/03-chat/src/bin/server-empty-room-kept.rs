//! Fault: the last member leaves a room, but the room stays in the map, and
//! `/rooms` lists it with a count of 0.
//!
//! replaces: chat-server
//! rejected-by: step3_rooms_counts_follow_switches_quits_and_disconnects

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::EmptyRoomKept)
}
