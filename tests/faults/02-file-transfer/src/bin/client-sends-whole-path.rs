//! Fault: the client sends the path it was given, not the file's base name.
//! The server's directory is not the client's to choose (and a careful server
//! refuses the name).
//!
//! replaces: file-client
//! rejected-by: step2_client_sends_the_base_name_only

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(file_transfer_faults::ClientMistake::SendsWholePath)
}
