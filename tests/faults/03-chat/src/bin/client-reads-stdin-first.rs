//! Fault: one thread: the client forwards stdin to its end, and only then
//! reads the server, so nothing shows while the user is typing.
//!
//! replaces: chat-client
//! rejected-by: step5_client_shows_messages_while_waiting_for_input

fn main() -> std::process::ExitCode {
    chat_faults::run_client(chat_faults::ClientMistake::ReadsStdinFirst)
}
