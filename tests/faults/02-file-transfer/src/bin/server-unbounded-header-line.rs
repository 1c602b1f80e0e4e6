//! Fault: the server reads header lines with `read_line` and no cap. A client
//! that never sends a `\n` makes it buffer without bound, and never answer.
//!
//! replaces: file-server
//! rejected-by: step7_server_refuses_bad_headers

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::UnboundedHeaderLine)
}
