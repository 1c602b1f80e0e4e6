//! Fault: the client never shows its progress, not even on a terminal: a
//! person uploading 10 GiB watches a silent prompt.
//!
//! replaces: file-client
//! rejected-by: step10_client_shows_progress_on_a_terminal

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(file_transfer_faults::ClientMistake::NoProgressBar)
}
