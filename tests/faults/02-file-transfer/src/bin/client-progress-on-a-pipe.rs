//! Fault: the client prints its progress to stderr whatever stderr is. In a
//! log file or a pipe, that is a wall of `\r`-separated counters.
//!
//! replaces: file-client
//! rejected-by: step10_client_is_quiet_when_stderr_is_not_a_terminal

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(file_transfer_faults::ClientMistake::ProgressOnAPipe)
}
