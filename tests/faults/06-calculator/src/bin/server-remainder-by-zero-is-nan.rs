//! Fault: `/` by zero is checked but `%` by zero is not, and only infinity
//! counts as out of range: `5 % 0` answers `NaN`.
//!
//! replaces: calc-server
//! rejected-by: step4_division_by_zero_and_out_of_range_are_errors

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                remainder_by_zero_is_nan: true,
                ..Mistakes::default()
            },
        )
    })
}
