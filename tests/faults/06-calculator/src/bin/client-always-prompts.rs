//! Fault: the client prints its `> ` prompt even when stdin is a pipe, so the
//! prompts get mixed into the answers a script reads.
//!
//! replaces: calc-client
//! rejected-by: step7_client_prints_one_answer_per_line

use calculator_faults::{run_client, ClientMistakes};

fn main() -> std::process::ExitCode {
    run_client(ClientMistakes {
        always_prompts: true,
        ..ClientMistakes::default()
    })
}
