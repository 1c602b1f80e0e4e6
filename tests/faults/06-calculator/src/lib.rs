//! What the faulty calculators share, so that each fault binary is one
//! mistake and nothing else.
//!
//! - [`Mistakes`] and [`answer`]: a second parser (Pratt-style, binding
//!   powers) and evaluator, correct unless a mistake is switched on; the
//!   parser and evaluator faults use it with one flag each.
//! - [`run_server`]: the reference server's accept loop and connection loop
//!   around any answering function; the faults of the server loop write their
//!   own loop around the reference solution's [`calculator::answer`].
//! - [`ClientMistakes`] and [`run_client`]: a REPL client with one flag per
//!   classic mistake.

use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;

use calculator::lines::{read_line, Line};
use calculator::parse::{Expr, Op};
use calculator::token::{tokenize, Kind, Token};
use calculator::{ClientArgs, Error, ServerArgs};
use clap::Parser;

/// The classic mistakes of a parser and an evaluator, one flag each.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mistakes {
    /// `2^3^2` as `(2^3)^2`.
    pub power_left_associative: bool,
    /// `-2^2` as `(-2)^2`.
    pub minus_binds_tighter_than_power: bool,
    /// `8 - 2 - 1` as `8 - (2 - 1)`, the naive `expr := term ('-' expr)?`.
    pub subtraction_right_associative: bool,
    /// No depth limit at all.
    pub no_depth_limit: bool,
    /// Only parentheses count towards the depth limit.
    pub depth_counts_only_parentheses: bool,
    /// Stops after the first complete expression: `1 2` is 1.
    pub ignores_trailing_input: bool,
    /// Columns counted from 0.
    pub columns_from_zero: bool,
    /// No check for division by zero and none for infinity: `1/0` is `inf`.
    pub division_by_zero_is_inf: bool,
    /// `%` by zero unchecked, and only infinity checked: `5 % 0` is `NaN`.
    pub remainder_by_zero_is_nan: bool,
    /// Only the final result is checked: `1/(1e308*10)` is 0.
    pub range_checked_only_at_the_end: bool,
}

/// The reply to one line under `mistakes`.
pub fn answer(line: &[u8], mistakes: Mistakes) -> String {
    let result = std::str::from_utf8(line)
        .map_err(|_| Error::InvalidUtf8)
        .and_then(|text| calculate(text, mistakes));
    match result {
        Ok(value) => format!("{value}"),
        Err(Error::Unexpected { token, column }) if mistakes.columns_from_zero => {
            format!(
                "ERR {}",
                Error::Unexpected {
                    token,
                    column: column - 1
                }
            )
        }
        Err(err) => format!("ERR {err}"),
    }
}

fn calculate(text: &str, mistakes: Mistakes) -> Result<f64, Error> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Err(Error::Empty);
    }
    let mut parser = Pratt {
        tokens,
        next: 0,
        depth: 0,
        mistakes,
    };
    let expr = parser.expr(0)?;
    if let (Some(token), false) = (
        parser.tokens.get(parser.next),
        mistakes.ignores_trailing_input,
    ) {
        return Err(unexpected(token));
    }
    let value = eval(&expr, mistakes)?;
    if mistakes.range_checked_only_at_the_end && !value.is_finite() {
        return Err(Error::OutOfRange);
    }
    Ok(value)
}

struct Pratt<'a> {
    tokens: Vec<Token<'a>>,
    next: usize,
    depth: usize,
    mistakes: Mistakes,
}

impl Pratt<'_> {
    fn expr(&mut self, min_power: u8) -> Result<Expr, Error> {
        let Some(token) = self.tokens.get(self.next).cloned() else {
            return Err(Error::EndOfInput);
        };
        self.next += 1;
        let mut left = match token.kind {
            Kind::Number(value) => Expr::Number(value),
            Kind::Symbol('(') => {
                self.enter(true)?;
                let inner = self.expr(0)?;
                self.depth -= 1;
                match self.tokens.get(self.next) {
                    Some(t) if t.kind == Kind::Symbol(')') => self.next += 1,
                    Some(t) => return Err(unexpected(t)),
                    None => return Err(Error::EndOfInput),
                }
                inner
            }
            Kind::Symbol(sign @ ('-' | '+')) => {
                self.enter(false)?;
                let power = if self.mistakes.minus_binds_tighter_than_power {
                    9
                } else {
                    5
                };
                let operand = self.expr(power)?;
                self.depth -= 1;
                if sign == '-' {
                    Expr::Neg(Box::new(operand))
                } else {
                    operand
                }
            }
            _ => return Err(unexpected(&token)),
        };
        loop {
            let Some(Kind::Symbol(symbol)) = self.tokens.get(self.next).map(|t| t.kind) else {
                return Ok(left);
            };
            let right_sub = if self.mistakes.subtraction_right_associative {
                1
            } else {
                2
            };
            let right_pow = if self.mistakes.power_left_associative {
                8
            } else {
                7
            };
            let (op, left_power, right_power) = match symbol {
                '+' => (Op::Add, 1, right_sub),
                '-' => (Op::Sub, 1, right_sub),
                '*' => (Op::Mul, 3, 4),
                '/' => (Op::Div, 3, 4),
                '%' => (Op::Rem, 3, 4),
                '^' => (Op::Pow, 7, right_pow),
                _ => return Ok(left),
            };
            if left_power < min_power {
                return Ok(left);
            }
            self.next += 1;
            let nests = op == Op::Pow;
            if nests {
                self.enter(false)?;
            }
            let right = self.expr(right_power)?;
            if nests {
                self.depth -= 1;
            }
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    /// One level deeper (`paren` says whether it is a parenthesis).
    fn enter(&mut self, paren: bool) -> Result<(), Error> {
        self.depth += 1;
        let counted = !self.mistakes.no_depth_limit
            && (paren || !self.mistakes.depth_counts_only_parentheses);
        if counted && self.depth > 256 {
            return Err(Error::TooDeep);
        }
        Ok(())
    }
}

fn unexpected(token: &Token<'_>) -> Error {
    Error::Unexpected {
        token: token.text.to_string(),
        column: token.column,
    }
}

fn eval(expr: &Expr, mistakes: Mistakes) -> Result<f64, Error> {
    let value = match expr {
        Expr::Number(value) => *value,
        Expr::Neg(operand) => -eval(operand, mistakes)?,
        Expr::Binary(op, left, right) => {
            let (a, b) = (eval(left, mistakes)?, eval(right, mistakes)?);
            let unchecked = mistakes.division_by_zero_is_inf
                || (*op == Op::Rem && mistakes.remainder_by_zero_is_nan);
            match op {
                Op::Div | Op::Rem if b == 0.0 && !unchecked => return Err(Error::DivisionByZero),
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mul => a * b,
                Op::Div => a / b,
                Op::Rem => a % b,
                Op::Pow => a.powf(b),
            }
        }
    };
    let out_of_range = if mistakes.division_by_zero_is_inf || mistakes.range_checked_only_at_the_end
    {
        false
    } else if mistakes.remainder_by_zero_is_nan {
        value.is_infinite()
    } else {
        !value.is_finite()
    };
    if out_of_range {
        Err(Error::OutOfRange)
    } else {
        Ok(value)
    }
}

/// Binds like the reference server, prints `listening on`, and serves each
/// connection on a thread of its own with `answer`.
pub fn run_server(answer: fn(&[u8]) -> String) -> ExitCode {
    let listener = bind();
    for stream in listener.incoming().flatten() {
        thread::spawn(move || serve(&stream, answer));
    }
    ExitCode::SUCCESS
}

/// Parses the server's arguments, binds, prints `listening on`.
pub fn bind() -> TcpListener {
    let args = ServerArgs::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).expect("bind");
    println!("listening on {}", listener.local_addr().expect("address"));
    listener
}

/// The reference connection loop around `answer`.
pub fn serve(stream: &TcpStream, answer: fn(&[u8]) -> String) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut writer = BufWriter::new(stream);
    let mut line = Vec::new();
    loop {
        let reply = match read_line(&mut reader, &mut line)? {
            Line::Text => answer(&line),
            Line::TooLong => format!("ERR {}", Error::LineTooLong),
            Line::End => break,
        };
        writeln!(writer, "{reply}")?;
        if !reader.buffer().contains(&b'\n') {
            writer.flush()?;
        }
    }
    writer.flush()
}

/// The classic mistakes of the REPL client, one flag each.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClientMistakes {
    /// Prints `> ` even when stdin is a pipe.
    pub always_prompts: bool,
    /// Prints `ERR x` as it came.
    pub prints_err_raw: bool,
    /// Prints `error: x` on stderr.
    pub errors_on_stderr: bool,
    /// Takes the server's close for the end of the session: exit 0.
    pub exits_0_when_the_server_closes: bool,
    /// `connect(..).unwrap()`.
    pub panics_when_unreachable: bool,
    /// Sends empty lines too.
    pub sends_empty_lines: bool,
}

/// A REPL client with `mistakes`.
pub fn run_client(mistakes: ClientMistakes) -> ExitCode {
    let args = ClientArgs::parse();
    let stream = match TcpStream::connect(&args.server) {
        Ok(stream) => stream,
        Err(err) if !mistakes.panics_when_unreachable => {
            eprintln!("error: cannot connect to {}: {err}", args.server);
            return ExitCode::from(1);
        }
        Err(err) => panic!("connect: {err}"),
    };
    let mut answers = BufReader::new(&stream);
    let mut requests = &stream;
    let prompt = mistakes.always_prompts || io::stdin().is_terminal();
    for line in io::stdin().lock().lines() {
        if prompt {
            print!("> ");
        }
        let line = line.expect("stdin");
        if line.is_empty() && !mistakes.sends_empty_lines {
            continue;
        }
        if writeln!(requests, "{line}").is_err() {
            break;
        }
        let mut answer = String::new();
        if answers.read_line(&mut answer).unwrap_or(0) == 0 {
            if mistakes.exits_0_when_the_server_closes {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {} closed the connection", args.server);
            return ExitCode::from(1);
        }
        let answer = answer.trim_end();
        match answer.strip_prefix("ERR ") {
            Some(error) if mistakes.errors_on_stderr => eprintln!("error: {error}"),
            Some(error) if !mistakes.prints_err_raw => println!("error: {error}"),
            _ => println!("{answer}"),
        }
    }
    ExitCode::SUCCESS
}
