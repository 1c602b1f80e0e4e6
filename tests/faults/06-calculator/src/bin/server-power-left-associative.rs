//! Fault: `^` is left-associative, like the other operators: `2^3^2` comes
//! out as `(2^3)^2` = 64 instead of `2^(3^2)` = 512.
//!
//! replaces: calc-server
//! rejected-by: step3_power_is_right_associative_and_binds_tighter_than_minus

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                power_left_associative: true,
                ..Mistakes::default()
            },
        )
    })
}
