//! Fault: lines of any length are read (`read_until` with no bound) and sent
//! on: a client can make the server buffer without limit.
//!
//! replaces: chat-server
//! rejected-by: step3_errors_leave_the_connection_usable

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::NoLineLimit)
}
