//! Exercise 06, calculator: a server that evaluates arithmetic for anyone who
//! connects, and a REPL client.
//!
//! The input comes from strangers, so it is *parsed*, never executed: a line
//! becomes tokens ([`token`]), the tokens a tree ([`parse`]), the tree a
//! number ([`eval`]). Every step has a limit, so that no line can make the
//! server run out of memory or stack:
//!
//! - a line is at most [`lines::MAX_LINE`] bytes ([`lines`] discards the rest);
//! - the tree is at most [`parse::MAX_DEPTH`] levels of parentheses, unary
//!   operators and `^` deep, so the parser's recursion is bounded;
//! - every other operator is read in a loop, not by recursion.
//!
//! [`answer`] turns one line into one reply line; [`server::serve`] runs the
//! protocol on one connection.

pub mod eval;
pub mod lines;
pub mod parse;
pub mod server;
pub mod token;

use std::fmt;

use clap::Parser;

/// A calculator server: one arithmetic expression per line, one answer per line.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ServerArgs {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
}

/// A REPL for the calculator server: reads expressions on stdin, prints answers.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ClientArgs {
    /// The server, as host:port.
    #[arg(long)]
    pub server: String,
}

/// Everything that can go wrong with one line. Its `Display` is the text that
/// follows `ERR ` on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A token where none of its kind may stand, and the 1-based column of its
    /// first character.
    Unexpected { token: String, column: usize },
    /// The line ended where an operand or a `)` was still needed.
    EndOfInput,
    /// A line of only spaces and tabs.
    Empty,
    /// More than [`parse::MAX_DEPTH`] levels of nesting.
    TooDeep,
    /// `/` or `%` by zero.
    DivisionByZero,
    /// A literal or a result that is infinite or NaN.
    OutOfRange,
    /// More than [`lines::MAX_LINE`] bytes.
    LineTooLong,
    /// Bytes that are not UTF-8.
    InvalidUtf8,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unexpected { token, column } => {
                write!(f, "unexpected {token} at column {column}")
            }
            Error::EndOfInput => f.write_str("unexpected end of input"),
            Error::Empty => f.write_str("empty expression"),
            Error::TooDeep => f.write_str("nesting too deep"),
            Error::DivisionByZero => f.write_str("division by zero"),
            Error::OutOfRange => f.write_str("result out of range"),
            Error::LineTooLong => f.write_str("line too long"),
            Error::InvalidUtf8 => f.write_str("invalid utf-8"),
        }
    }
}

impl std::error::Error for Error {}

/// Parses the whole line, then evaluates it: a syntax error anywhere wins over
/// an evaluation error, because nothing is evaluated before the parse succeeds.
pub fn calculate(line: &str) -> Result<f64, Error> {
    let expr = parse::parse(line)?;
    eval::eval(&expr)
}

/// The reply to one line (without its `\n`): the value printed with `{}`, or
/// `ERR <what went wrong>`.
pub fn answer(line: &[u8]) -> String {
    let result = std::str::from_utf8(line)
        .map_err(|_| Error::InvalidUtf8)
        .and_then(calculate);
    match result {
        // `{}` prints the shortest text that reads back as the same f64, and
        // never uses an exponent: 1e21 prints as 1000000000000000000000.
        Ok(value) => format!("{value}"),
        Err(err) => format!("ERR {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_follow_the_protocol() {
        let cases = [
            ("3 + 4 * 2", "11"),
            ("2^3^2", "512"),
            ("-2^2", "-4"),
            ("0*-1", "-0"),
            ("1e21", "1000000000000000000000"),
            ("1 / 0", "ERR division by zero"),
            ("2 ** 3", "ERR unexpected * at column 4"),
            ("abc", "ERR unexpected a at column 1"),
            ("2 +", "ERR unexpected end of input"),
            (" \t ", "ERR empty expression"),
            ("1/(1e308*10)", "ERR result out of range"),
            ("1/0 +", "ERR unexpected end of input"),
        ];
        for (line, expected) in cases {
            assert_eq!(answer(line.as_bytes()), expected, "{line}");
        }
        assert_eq!(answer(b"\xff"), "ERR invalid utf-8");
    }
}
