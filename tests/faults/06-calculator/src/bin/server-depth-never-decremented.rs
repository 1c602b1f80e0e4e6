//! Fault: the depth counter goes up at each `(`, unary operator and `^` but
//! never comes back down, so it counts every level in the line, not how
//! deep they nest: 300 `(1)` added up get `ERR nesting too deep`.
//!
//! replaces: calc-server
//! rejected-by: step5_depth_is_how_deep_not_how_many
//! accepted-by: step5_256_nested_levels_evaluate_257_do_not

use calculator::parse::MAX_DEPTH;
use calculator::token::{tokenize, Kind};
use calculator_faults::run_server;

/// The reference answer, after a count of every level the line opens.
fn answer(line: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(line) {
        let mut opened = 0;
        let mut previous = None;
        for token in tokenize(text) {
            let after_operand = matches!(previous, Some(Kind::Number(_) | Kind::Symbol(')')));
            let unary = matches!(token.kind, Kind::Symbol('-' | '+')) && !after_operand;
            if unary || matches!(token.kind, Kind::Symbol('(' | '^')) {
                // The mistake: nothing ever takes a level back.
                opened += 1;
            }
            previous = Some(token.kind);
        }
        if opened > MAX_DEPTH {
            return "ERR nesting too deep".into();
        }
    }
    calculator::answer(line)
}

fn main() -> std::process::ExitCode {
    run_server(answer)
}
