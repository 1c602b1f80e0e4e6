//! Fault: only parentheses count towards the depth limit: a line of 4,096
//! `-` recurses 4,096 levels deep and answers `unexpected end of input` (or
//! overflows the stack) instead of `ERR nesting too deep`.
//!
//! replaces: calc-server
//! rejected-by: step5_hostile_lines_get_an_error_and_the_server_lives

use calculator_faults::{answer, run_server, Mistakes};

fn main() -> std::process::ExitCode {
    run_server(|line| {
        answer(
            line,
            Mistakes {
                depth_counts_only_parentheses: true,
                ..Mistakes::default()
            },
        )
    })
}
