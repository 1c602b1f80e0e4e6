//! Fault: the client unwraps its writes. When the server refuses the header
//! and closes at once, the next write fails (EPIPE, or a reset) and the client
//! panics instead of reading and reporting the server's `ERR` line.
//!
//! replaces: file-client
//! rejected-by: step3_client_reports_an_err_sent_before_the_body

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(file_transfer_faults::ClientMistake::UnwrapsTheWrite)
}
