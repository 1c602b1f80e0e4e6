//! Fault: the client prints `* disconnected` whenever the connection ends,
//! also when it asked to quit.
//!
//! replaces: chat-client
//! rejected-by: step5_client_renders_every_server_line

fn main() -> std::process::ExitCode {
    chat_faults::run_client(chat_faults::ClientMistake::SaysDisconnectedAfterQuit)
}
