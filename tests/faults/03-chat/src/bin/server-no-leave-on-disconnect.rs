//! Fault: a client that disconnects without `/quit` is removed silently: its
//! room is never told it left.
//!
//! replaces: chat-server
//! rejected-by: step2_a_client_that_vanishes_leaves_its_room

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::NoLeaveOnDisconnect)
}
