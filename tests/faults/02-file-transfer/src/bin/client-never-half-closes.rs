//! Fault: the client sends the whole file, then waits for the reply without
//! half-closing. The server waits for EOF to know nothing follows; the client
//! waits for the server: neither moves.
//!
//! replaces: file-client
//! rejected-by: step2_client_half_closes_and_waits_for_the_reply

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(file_transfer_faults::ClientMistake::NeverHalfCloses)
}
