//! Fault: at the end of stdin the client sends `/quit` and exits at once, so
//! what the server still sends before it closes is never shown.
//!
//! replaces: chat-client
//! rejected-by: step5_client_quits_at_end_of_input_and_shows_the_rest

fn main() -> std::process::ExitCode {
    chat_faults::run_client(chat_faults::ClientMistake::ExitsAtEndOfInput)
}
