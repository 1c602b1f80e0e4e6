//! Fault: lines are read with `BufRead::lines`, whose error on bytes that are
//! not UTF-8 ends the loop: one bad byte disconnects the client.
//!
//! replaces: chat-server
//! rejected-by: step3_errors_leave_the_connection_usable

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::InvalidUtf8EndsConnection)
}
