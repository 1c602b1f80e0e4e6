//! Fault: IEEE arithmetic taken as it comes: `1 / 0` answers `inf` and `0 / 0`
//! `NaN`, instead of `ERR division by zero`.
//!
//! replaces: calc-server
//! rejected-by: step4_division_by_zero_and_out_of_range_are_errors

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                division_by_zero_is_inf: true,
                ..Mistakes::default()
            },
        )
    })
}
