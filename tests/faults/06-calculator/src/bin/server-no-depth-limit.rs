//! Fault: no depth limit: 257 nested parentheses evaluate instead of
//! `ERR nesting too deep` (and a long enough line would overflow the stack).
//!
//! replaces: calc-server
//! rejected-by: step5_256_nested_levels_evaluate_257_do_not

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                no_depth_limit: true,
                ..Mistakes::default()
            },
        )
    })
}
