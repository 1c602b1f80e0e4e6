//! Fault: the parser stops after the first complete expression and ignores
//! the rest of the line: `1 2` answers 1 instead of `ERR unexpected 2 at column 3`.
//!
//! replaces: calc-server
//! rejected-by: step3_syntax_errors_name_the_token_and_its_column

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                ignores_trailing_input: true,
                ..Mistakes::default()
            },
        )
    })
}
