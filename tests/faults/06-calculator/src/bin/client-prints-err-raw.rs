//! Fault: the client prints `ERR x` as it came, instead of `error: x`.
//!
//! replaces: calc-client
//! rejected-by: step7_client_prints_errors_as_error_lines_on_stdout

use calculator_faults::{run_client, ClientMistakes};

fn main() -> std::process::ExitCode {
    run_client(ClientMistakes {
        prints_err_raw: true,
        ..ClientMistakes::default()
    })
}
