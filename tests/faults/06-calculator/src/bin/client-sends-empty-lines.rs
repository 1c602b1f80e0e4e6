//! Fault: the client sends empty lines too, and prints the server's
//! `error: empty expression` for each.
//!
//! replaces: calc-client
//! rejected-by: step7_client_prints_one_answer_per_line

use calculator_faults::{run_client, ClientMistakes};

fn main() -> std::process::ExitCode {
    run_client(ClientMistakes {
        sends_empty_lines: true,
        ..ClientMistakes::default()
    })
}
