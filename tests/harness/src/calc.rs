//! Exercise 06's expression oracle, and a calculator peer built on it.
//!
//! The oracle is written independently of the reference solution, with
//! another technique: the solution parses by recursive descent into a tree;
//! the oracle checks the token sequence with a two-state machine and orders
//! it with Dijkstra's shunting-yard into reverse Polish notation, evaluated
//! with a value stack. Both follow `06-calculator.md`, so when they agree on
//! random expressions, neither is likely to be wrong in the same way.
//!
//! [`CalcPeer`] is a calculator server that answers with the oracle (and can
//! hang up after some lines): the client's tests run against it, so that a
//! student can finish the client whatever the state of their server.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crate::accept::{Listener, Stop};
use crate::PATIENCE;

/// The longest line, not counting its `\n` or `\r\n`.
pub const MAX_LINE: usize = 4096;

/// How many levels of `(`, unary operators and `^` may nest.
pub const MAX_DEPTH: usize = 256;

/// The reply the README requires for one line (given without its `\n`; a
/// trailing `\r` is dropped first), without the `\n`: `11`, `ERR …`.
pub fn expected_reply(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > MAX_LINE {
        return "ERR line too long".into();
    }
    match std::str::from_utf8(line) {
        Ok(text) => evaluate(text),
        Err(_) => "ERR invalid utf-8".into(),
    }
}

/// The reply for an expression: its value printed with `{}`, or `ERR …`.
pub fn evaluate(text: &str) -> String {
    match to_rpn(text).and_then(|rpn| run_rpn(&rpn)) {
        Ok(value) => format!("{value}"),
        Err(error) => format!("ERR {error}"),
    }
}

/// The kind of an answer, for comparing errors whose details may differ:
/// `value`, or the error's text with the token of `unexpected … at column N`
/// left out (the column is kept).
pub fn kind(reply: &str) -> String {
    let Some(error) = reply.strip_prefix("ERR ") else {
        return "value".into();
    };
    match (
        error.strip_prefix("unexpected "),
        error.rfind(" at column "),
    ) {
        (Some(_), Some(at)) if error != "unexpected end of input" => {
            format!("unexpected … {}", &error[at + 1..])
        }
        _ => error.to_string(),
    }
}

/// One token of the oracle: a number, an operator or parenthesis, or any
/// other character; with its 1-based column in characters.
#[derive(Debug, Clone)]
struct Tok {
    text: String,
    column: usize,
}

impl Tok {
    fn number(&self) -> Option<f64> {
        let first = self.text.chars().next()?;
        if first.is_ascii_digit() || (first == '.' && self.text.len() > 1) {
            self.text.parse().ok()
        } else {
            None
        }
    }

    fn symbol(&self) -> Option<char> {
        let c = self.text.chars().next()?;
        (self.text.chars().count() == 1 && "+-*/%^()".contains(c)).then_some(c)
    }

    fn unexpected(&self) -> String {
        format!("unexpected {} at column {}", self.text, self.column)
    }
}

fn lex(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if chars[i] == ' ' || chars[i] == '\t' {
            i += 1;
            continue;
        }
        if digit(i) || (chars[i] == '.' && digit(i + 1)) {
            while digit(i) {
                i += 1;
            }
            if chars.get(i) == Some(&'.') {
                i += 1;
                while digit(i) {
                    i += 1;
                }
            }
            if matches!(chars.get(i), Some('e' | 'E')) {
                let sign = usize::from(matches!(chars.get(i + 1), Some('+' | '-')));
                if digit(i + 1 + sign) {
                    i += 1 + sign;
                    while digit(i) {
                        i += 1;
                    }
                }
            }
        } else {
            i += 1;
        }
        toks.push(Tok {
            text: chars[start..i].iter().collect(),
            column: start + 1,
        });
    }
    toks
}

/// An item of the reverse Polish output.
#[derive(Debug, Clone, Copy)]
enum Rpn {
    Num(f64),
    Neg,
    Plus,
    Binary(char),
}

/// An entry of the shunting-yard operator stack.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pending {
    Open,
    Unary(char),
    Binary(char),
}

impl Pending {
    /// Binding power: `+ -` 1, `* / %` 2, unary 3, `^` 4.
    fn precedence(self) -> u8 {
        match self {
            Pending::Open => 0,
            Pending::Unary(_) => 3,
            Pending::Binary('^') => 4,
            Pending::Binary('*' | '/' | '%') => 2,
            Pending::Binary(_) => 1,
        }
    }

    /// Whether this entry opens a nesting level (the README counts `(`, unary
    /// operators and `^` together).
    fn nests(self) -> bool {
        matches!(
            self,
            Pending::Open | Pending::Unary(_) | Pending::Binary('^')
        )
    }

    fn output(self) -> Rpn {
        match self {
            Pending::Unary('-') => Rpn::Neg,
            Pending::Unary(_) => Rpn::Plus,
            Pending::Binary(op) => Rpn::Binary(op),
            Pending::Open => unreachable!("an open parenthesis is never output"),
        }
    }
}

/// Checks the syntax and orders the tokens in reverse Polish notation.
fn to_rpn(text: &str) -> Result<Vec<Rpn>, String> {
    let toks = lex(text);
    if toks.is_empty() {
        return Err("empty expression".into());
    }
    let mut output = Vec::new();
    let mut stack: Vec<Pending> = Vec::new();
    let mut levels = 0;
    // The two states of the machine: an operand is due (at the start, after
    // an operator or `(`), or an operator is (after a number or `)`).
    let mut operand_due = true;
    for tok in &toks {
        let mut opened = None;
        match (operand_due, tok.number(), tok.symbol()) {
            (true, Some(value), _) => {
                output.push(Rpn::Num(value));
                operand_due = false;
            }
            (true, None, Some('(')) => opened = Some(Pending::Open),
            (true, None, Some(sign @ ('+' | '-'))) => opened = Some(Pending::Unary(sign)),
            (false, None, Some(')')) => loop {
                match stack.pop() {
                    None => return Err(tok.unexpected()),
                    Some(Pending::Open) => {
                        levels -= 1;
                        break;
                    }
                    Some(entry) => {
                        levels -= usize::from(entry.nests());
                        output.push(entry.output());
                    }
                }
            },
            (false, None, Some(op)) if op != '(' => {
                let incoming = Pending::Binary(op);
                let right_associative = op == '^';
                while let Some(&top) = stack.last() {
                    let pops = top != Pending::Open
                        && (top.precedence() > incoming.precedence()
                            || (top.precedence() == incoming.precedence() && !right_associative));
                    if !pops {
                        break;
                    }
                    stack.pop();
                    levels -= usize::from(top.nests());
                    output.push(top.output());
                }
                if op == '^' {
                    opened = Some(incoming);
                } else {
                    stack.push(incoming);
                }
                operand_due = true;
            }
            _ => return Err(tok.unexpected()),
        }
        if let Some(entry) = opened {
            levels += 1;
            if levels > MAX_DEPTH {
                return Err("nesting too deep".into());
            }
            stack.push(entry);
        }
    }
    if operand_due || stack.contains(&Pending::Open) {
        return Err("unexpected end of input".into());
    }
    while let Some(entry) = stack.pop() {
        output.push(entry.output());
    }
    Ok(output)
}

/// Evaluates reverse Polish notation with a value stack, in order, stopping
/// at the first error.
fn run_rpn(rpn: &[Rpn]) -> Result<f64, String> {
    let mut values: Vec<f64> = Vec::new();
    for item in rpn {
        let value = match *item {
            Rpn::Num(value) => value,
            Rpn::Neg => -values.pop().expect("an operand"),
            Rpn::Plus => values.pop().expect("an operand"),
            Rpn::Binary(op) => {
                let right = values.pop().expect("a right operand");
                let left = values.pop().expect("a left operand");
                match op {
                    '+' => left + right,
                    '-' => left - right,
                    '*' => left * right,
                    '/' | '%' if right == 0.0 => return Err("division by zero".into()),
                    '/' => left / right,
                    '%' => left % right,
                    '^' => left.powf(right),
                    _ => unreachable!("not an operator: {op}"),
                }
            }
        };
        if !value.is_finite() {
            return Err("result out of range".into());
        }
        values.push(value);
    }
    Ok(values.pop().expect("a value"))
}

/// A calculator server that answers with the oracle, on a port of its own:
/// the peer the client's tests talk to. It can hang up after some lines.
pub struct CalcPeer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<String>>>,
    stop: Stop,
    acceptor: Option<JoinHandle<()>>,
}

impl CalcPeer {
    /// A peer that answers every line, on every connection.
    pub fn start() -> CalcPeer {
        CalcPeer::spawn(None)
    }

    /// A peer that answers `lines` lines of each connection, then closes it.
    pub fn closing_after(lines: usize) -> CalcPeer {
        CalcPeer::spawn(Some(lines))
    }

    fn spawn(limit: Option<usize>) -> CalcPeer {
        let listener = Listener::bind("the calculator peer");
        let addr = listener.addr();
        let stop = listener.stopper();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let acceptor = thread::spawn(move || {
            for stream in listener.incoming() {
                let log = Arc::clone(&log);
                // Each connection ends at the client's EOF or its deadlines.
                thread::spawn(move || answer_lines(stream, limit, &log));
            }
        });
        CalcPeer {
            addr,
            received,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every line it received so far, on all connections, in order.
    pub fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for CalcPeer {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Answers the lines of one connection, each with a deadline, until EOF or
/// `limit` lines.
fn answer_lines(stream: TcpStream, limit: Option<usize>, log: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(PATIENCE * 3));
    let _ = stream.set_write_timeout(Some(PATIENCE));
    let mut reader = BufReader::new(&stream);
    let mut writer = &stream;
    let mut answered = 0;
    while limit.is_none_or(|limit| answered < limit) {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let line = line.strip_suffix(b"\n").unwrap_or(&line);
        log.lock()
            .unwrap()
            .push(String::from_utf8_lossy(line).into_owned());
        let reply = format!("{}\n", expected_reply(line));
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
        answered += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_examples() {
        let cases = [
            ("3 + 4 * 2", "11"),
            ("2^3^2", "512"),
            ("-2^2", "-4"),
            ("2^-1", "0.5"),
            ("8 - 2 - 1", "5"),
            ("1 / 0", "ERR division by zero"),
            ("2 ** 3", "ERR unexpected * at column 4"),
            ("abc", "ERR unexpected a at column 1"),
            ("2 +", "ERR unexpected end of input"),
            ("0*-1", "-0"),
            ("1e21", "1000000000000000000000"),
            ("1e400", "ERR result out of range"),
            ("1/(1e308*10)", "ERR result out of range"),
            ("-7 % 3", "-1"),
            ("(1", "ERR unexpected end of input"),
            ("1)", "ERR unexpected ) at column 2"),
            ("", "ERR empty expression"),
            ("1/0 + 1e400", "ERR division by zero"),
            ("1/0 +", "ERR unexpected end of input"),
            ("5. + .5 + 1.e1", "15.5"),
            ("2e", "ERR unexpected e at column 2"),
        ];
        for (line, expected) in cases {
            assert_eq!(evaluate(line), expected, "{line}");
        }
    }

    #[test]
    fn nesting_levels() {
        let parens = |n| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(evaluate(&parens(256)), "1");
        assert_eq!(evaluate(&parens(257)), "ERR nesting too deep");
        assert_eq!(evaluate(&format!("{}1", "-".repeat(256))), "1");
        assert_eq!(evaluate(&"-".repeat(4096)), "ERR nesting too deep");
        assert_eq!(evaluate(&vec!["1"; 257].join("^")), "1");
        assert_eq!(evaluate(&vec!["1"; 258].join("^")), "ERR nesting too deep");
        assert_eq!(evaluate(&vec!["1"; 2048].join("+")), "2048");
        assert_eq!(
            kind("ERR unexpected 12 at column 3"),
            "unexpected … at column 3"
        );
    }
}
