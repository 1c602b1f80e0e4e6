//! Fault: `TcpStream::connect(…).unwrap()`: with no server the client panics
//! (exit 101) rather than exit 1 with an `error: …` line.
//!
//! replaces: chat-client
//! rejected-by: step5_client_fails_without_a_server

fn main() -> std::process::ExitCode {
    chat_faults::run_client(chat_faults::ClientMistake::PanicsWithoutServer)
}
