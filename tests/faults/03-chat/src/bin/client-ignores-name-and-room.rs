//! Fault: `--name` and `--room` are parsed, and never sent as `/nick` and
//! `/join`.
//!
//! replaces: chat-client
//! rejected-by: step5_client_sends_nick_join_and_every_stdin_line

fn main() -> std::process::ExitCode {
    chat_faults::run_client(chat_faults::ClientMistake::IgnoresNameAndRoom)
}
