//! Fault: the client sends the file, half-closes and exits 0 without reading
//! the reply. It reports success for a file the server refused or lost.
//!
//! replaces: file-client
//! rejected-by: step3_client_fails_when_the_server_refuses

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(file_transfer_faults::ClientMistake::IgnoresReply)
}
