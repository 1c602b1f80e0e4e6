//! Fault: unary minus binds tighter than `^`: `-2^2` comes out as `(-2)^2` = 4
//! instead of `-(2^2)` = -4.
//!
//! replaces: calc-server
//! rejected-by: step3_power_is_right_associative_and_binds_tighter_than_minus

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                minus_binds_tighter_than_power: true,
                ..Mistakes::default()
            },
        )
    })
}
