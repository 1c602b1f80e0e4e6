//! Fault: only the final result is checked for infinity: `1 / (1e308 * 10)`
//! answers 0 instead of `ERR result out of range`.
//!
//! replaces: calc-server
//! rejected-by: step4_division_by_zero_and_out_of_range_are_errors

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                range_checked_only_at_the_end: true,
                ..Mistakes::default()
            },
        )
    })
}
