//! Fault: columns are counted from 0: `abc` answers `ERR unexpected a at column 0`.
//!
//! replaces: calc-server
//! rejected-by: step2_any_other_character_is_a_syntax_error_with_its_column

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                columns_from_zero: true,
                ..Mistakes::default()
            },
        )
    })
}
