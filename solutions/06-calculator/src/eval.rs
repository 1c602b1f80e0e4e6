//! The evaluator: walks the tree in f64, left operand first, and stops at the
//! first error.
//!
//! IEEE 754 arithmetic never fails: `1/0` is `inf`, `0/0` is `NaN`, and they
//! spread silently through everything after. A calculator answers with an
//! error instead, at the operation that went wrong: division by zero is
//! caught before dividing, and every value, literals included, is checked to
//! be finite as soon as it exists (`1/(1e308*10)` is an error, not `0`).
//!
//! The walk recurses on the tree, which is as deep as the nesting (at most
//! [`crate::parse::MAX_DEPTH`]) plus one level per `+ - * / %` of a chain:
//! at most about 2,048 on a 4,096-byte line, a few hundred KiB of stack.

use crate::parse::{Expr, Op};
use crate::Error;

/// The value of `expr`.
pub fn eval(expr: &Expr) -> Result<f64, Error> {
    let value = match expr {
        Expr::Number(value) => *value,
        Expr::Neg(operand) => -eval(operand)?,
        Expr::Binary(op, left, right) => {
            let (a, b) = (eval(left)?, eval(right)?);
            match op {
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mul => a * b,
                Op::Div | Op::Rem if b == 0.0 => return Err(Error::DivisionByZero),
                Op::Div => a / b,
                // Rust's `%` keeps the sign of the dividend: -7 % 3 is -1.
                Op::Rem => a % b,
                Op::Pow => a.powf(b),
            }
        }
    };
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::OutOfRange)
    }
}
