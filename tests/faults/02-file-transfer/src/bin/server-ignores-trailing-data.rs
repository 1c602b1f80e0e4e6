//! Fault: the server stops reading after `size` bytes and answers `OK`
//! without waiting for EOF. Bytes beyond the announced size go unnoticed: the
//! client and the server disagree about the file, and nobody knows.
//!
//! replaces: file-server
//! rejected-by: step6_trailing_data_is_refused

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::IgnoresTrailingData)
}
