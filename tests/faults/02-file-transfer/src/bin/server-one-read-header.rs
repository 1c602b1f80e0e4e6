//! Fault: the server takes one `read` for the whole header, as if TCP kept
//! message boundaries. A header that arrives in pieces is cut where the first
//! read ended.
//!
//! replaces: file-server
//! rejected-by: step1_server_reads_a_header_sent_in_pieces

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::OneReadHeader)
}
