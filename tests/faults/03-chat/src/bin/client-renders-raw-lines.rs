//! Fault: the client prints the server's lines as they came (`MSG general bob
//! hi`), not rendered for people (`[general] bob: hi`).
//!
//! replaces: chat-client
//! rejected-by: step5_client_renders_every_server_line

fn main() -> std::process::ExitCode {
    chat_faults::run_client(chat_faults::ClientMistake::RendersRawLines)
}
