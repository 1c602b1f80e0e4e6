//! Fault: the client prints an `ERR` answer on stderr: it is part of the session,
//! and belongs on stdout with the other answers.
//!
//! replaces: calc-client
//! rejected-by: step7_client_prints_errors_as_error_lines_on_stdout

use calculator_faults::{run_client, ClientMistakes};

fn main() -> std::process::ExitCode {
    run_client(ClientMistakes {
        errors_on_stderr: true,
        ..ClientMistakes::default()
    })
}
