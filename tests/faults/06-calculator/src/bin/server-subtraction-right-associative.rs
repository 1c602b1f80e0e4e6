//! Fault: the naive rule `expr := term ('-' expr)?` makes `-` right-associative:
//! `8 - 2 - 1` comes out as `8 - (2 - 1)` = 7.
//!
//! replaces: calc-server
//! rejected-by: step3_precedence_and_associativity

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                subtraction_right_associative: true,
                ..Mistakes::default()
            },
        )
    })
}
