//! Fault: `/join` to another room announces the client in the new room but
//! never tells the old room that it left.
//!
//! replaces: chat-server
//! rejected-by: step2_join_switches_rooms

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::SwitchWithoutLeave)
}
