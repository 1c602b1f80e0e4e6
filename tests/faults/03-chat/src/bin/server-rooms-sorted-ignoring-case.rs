//! Fault: `/rooms` sorts the rooms ignoring case (`alpha beta Zeta`) rather
//! than in byte order (`Zeta alpha beta`).
//!
//! replaces: chat-server
//! rejected-by: step3_rooms_lists_active_rooms_sorted_with_counts

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::RoomsSortedIgnoringCase)
}
