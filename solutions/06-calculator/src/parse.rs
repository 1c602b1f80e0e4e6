//! The parser: recursive descent, one function per rule of the grammar,
//! from the loosest operator to the tightest.
//!
//! ```text
//! expr    := term (('+' | '-') term)*
//! term    := unary (('*' | '/' | '%') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := atom ('^' unary)?
//! atom    := number | '(' expr ')'
//! ```
//!
//! Precedence comes from which rule calls which: `expr` sees `*` only inside
//! a `term`, so `3 + 4 * 2` is `3 + (4 * 2)`. Associativity comes from loop
//! or recursion: `expr` and `term` *loop* and fold to the left
//! (`8 - 2 - 1` is `(8 - 2) - 1`), while `power` *recurses* on its right side,
//! so `2^3^2` is `2^(3^2)`. And because the exponent of `^` is a `unary`, but
//! `unary` is `-` applied to a `power`, `-2^2` is `-(2^2)` = -4.
//!
//! Recursion means stack. Only `(`, unary operators and `^` nest deeper, so
//! the parser counts those levels and refuses more than [`MAX_DEPTH`]: no
//! line can overflow the stack. `+ - * / %` chains are loops and cost nothing.

use crate::token::{tokenize, Kind, Token};
use crate::Error;

/// How many levels of `(`, unary operators and `^` a line may nest.
pub const MAX_DEPTH: usize = 256;

/// The parsed expression: what the evaluator walks.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    /// `-x`. (`+x` is `x` itself.)
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
}

/// Parses a whole line. Everything after a complete expression must be
/// nothing: `1 2` is an error at the `2`, not the number 1.
pub fn parse(line: &str) -> Result<Expr, Error> {
    let tokens = tokenize(line);
    if tokens.is_empty() {
        return Err(Error::Empty);
    }
    let mut parser = Parser {
        tokens,
        next: 0,
        depth: 0,
    };
    let expr = parser.expr()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(unexpected(token)),
    }
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    /// The index of the next token to read.
    next: usize,
    /// How many levels of `(`, unary operators and `^` enclose this point.
    depth: usize,
}

impl Parser<'_> {
    /// `expr := term (('+' | '-') term)*`, folded to the left.
    fn expr(&mut self) -> Result<Expr, Error> {
        let mut left = self.term()?;
        while let Some(op) = self.eat_op(&[('+', Op::Add), ('-', Op::Sub)]) {
            let right = self.term()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `term := unary (('*' | '/' | '%') unary)*`, folded to the left.
    fn term(&mut self) -> Result<Expr, Error> {
        let mut left = self.unary()?;
        while let Some(op) = self.eat_op(&[('*', Op::Mul), ('/', Op::Div), ('%', Op::Rem)]) {
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `unary := ('-' | '+') unary | power`.
    fn unary(&mut self) -> Result<Expr, Error> {
        if self.eat('-') {
            let operand = self.nested(Self::unary)?;
            Ok(Expr::Neg(Box::new(operand)))
        } else if self.eat('+') {
            self.nested(Self::unary)
        } else {
            self.power()
        }
    }

    /// `power := atom ('^' unary)?`: right-associative, because the exponent
    /// is parsed by a recursive call that takes any further `^` with it.
    fn power(&mut self) -> Result<Expr, Error> {
        let base = self.atom()?;
        if !self.eat('^') {
            return Ok(base);
        }
        let exponent = self.nested(Self::unary)?;
        Ok(Expr::Binary(Op::Pow, Box::new(base), Box::new(exponent)))
    }

    /// `atom := number | '(' expr ')'`.
    fn atom(&mut self) -> Result<Expr, Error> {
        let Some(token) = self.peek() else {
            return Err(Error::EndOfInput);
        };
        match token.kind {
            Kind::Number(value) => {
                self.next += 1;
                Ok(Expr::Number(value))
            }
            Kind::Symbol('(') => {
                self.next += 1;
                let inner = self.nested(Self::expr)?;
                match self.peek() {
                    Some(token) if token.kind == Kind::Symbol(')') => {
                        self.next += 1;
                        Ok(inner)
                    }
                    Some(token) => Err(unexpected(token)),
                    None => Err(Error::EndOfInput),
                }
            }
            _ => Err(unexpected(token)),
        }
    }

    /// Runs `rule` one level deeper, refusing to go past [`MAX_DEPTH`]. The
    /// check comes before `rule` reads anything, so a line of 4,096 `(` stops
    /// at the 257th.
    fn nested(&mut self, rule: fn(&mut Self) -> Result<Expr, Error>) -> Result<Expr, Error> {
        if self.depth == MAX_DEPTH {
            return Err(Error::TooDeep);
        }
        self.depth += 1;
        let result = rule(self);
        self.depth -= 1;
        result
    }

    fn peek(&self) -> Option<&Token<'_>> {
        self.tokens.get(self.next)
    }

    /// Takes the next token if it is the symbol `symbol`.
    fn eat(&mut self, symbol: char) -> bool {
        let found = self.peek().is_some_and(|t| t.kind == Kind::Symbol(symbol));
        if found {
            self.next += 1;
        }
        found
    }

    /// Takes the next token if it is one of these operators.
    fn eat_op(&mut self, ops: &[(char, Op)]) -> Option<Op> {
        let kind = self.peek()?.kind;
        let &(_, op) = ops
            .iter()
            .find(|(symbol, _)| kind == Kind::Symbol(*symbol))?;
        self.next += 1;
        Some(op)
    }
}

fn unexpected(token: &Token<'_>) -> Error {
    Error::Unexpected {
        token: token.text.to_string(),
        column: token.column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_parens(n: usize) -> String {
        format!("{}1{}", "(".repeat(n), ")".repeat(n))
    }

    #[test]
    fn depth_limit_counts_parentheses_unary_and_power() {
        assert!(parse(&nested_parens(256)).is_ok());
        assert_eq!(parse(&nested_parens(257)), Err(Error::TooDeep));
        assert!(parse(&format!("{}1", "-".repeat(256))).is_ok());
        assert_eq!(parse(&format!("{}1", "-".repeat(257))), Err(Error::TooDeep));
        assert_eq!(parse(&"-".repeat(4096)), Err(Error::TooDeep));
        assert!(parse(&vec!["1"; 257].join("^")).is_ok());
        assert_eq!(parse(&vec!["1"; 258].join("^")), Err(Error::TooDeep));
        assert!(parse(&vec!["1"; 2048].join("+")).is_ok());
    }
}
