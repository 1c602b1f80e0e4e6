//! The tokenizer: a line becomes numbers, operators and parentheses, each
//! with the column where it starts, so that an error can point at it.
//!
//! It never fails: a character that belongs to no token becomes a token of
//! its own, [`Kind::Other`], which the parser rejects with its column. So the
//! parser alone decides what is an error, in the order it reads the line.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A literal. It may be infinite (`1e400`): that is the evaluator's
    /// business, as the README makes it an evaluation error.
    Number(f64),
    /// One of `+ - * / % ^ ( )`.
    Symbol(char),
    /// Any other character: always a syntax error.
    Other,
}

/// A token, with its text as written and the 1-based column of its first
/// character (counted in characters, not bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub column: usize,
}

/// Splits `line` into tokens, skipping spaces and tabs.
pub fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    let mut column = 0;
    while let Some((start, c)) = chars.next() {
        column += 1;
        let token_column = column;
        let kind = match c {
            ' ' | '\t' => continue,
            '+' | '-' | '*' | '/' | '%' | '^' | '(' | ')' => Kind::Symbol(c),
            '0'..='9' | '.' if starts_number(&line[start..]) => {
                let len = number_len(&line[start..]);
                // A number is ASCII, so its length in bytes is its length in columns.
                for _ in 1..len {
                    chars.next();
                }
                column += len - 1;
                let text = &line[start..start + len];
                tokens.push(Token {
                    kind: Kind::Number(text.parse().expect("the tokenizer checked the shape")),
                    text,
                    column: token_column,
                });
                continue;
            }
            _ => Kind::Other,
        };
        let text = &line[start..start + c.len_utf8()];
        tokens.push(Token {
            kind,
            text,
            column: token_column,
        });
    }
    tokens
}

/// A number starts with a digit, or with a `.` followed by a digit (`.5`).
fn starts_number(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    bytes[0].is_ascii_digit() || (bytes[0] == b'.' && bytes.get(1).is_some_and(u8::is_ascii_digit))
}

/// The length of the number at the start of `rest`:
/// `digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]`, where either side
/// of the `.` may be empty (`.5`, `5.`). The exponent counts only when digits
/// follow it: in `2e` the number is `2`, and `e` is a token of its own.
fn number_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut end = digits_from(0);
    if bytes.get(end) == Some(&b'.') {
        end = digits_from(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exponent = end + 1;
        if matches!(bytes.get(exponent), Some(b'+' | b'-')) {
            exponent += 1;
        }
        if bytes.get(exponent).is_some_and(u8::is_ascii_digit) {
            end = digits_from(exponent);
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(&str, usize)> {
        tokenize(line).iter().map(|t| (t.text, t.column)).collect()
    }

    #[test]
    fn numbers_in_every_format() {
        assert_eq!(
            texts("1 .5 5. 1e3 2.5E-3 1e+2"),
            [
                ("1", 1),
                (".5", 3),
                ("5.", 6),
                ("1e3", 9),
                ("2.5E-3", 13),
                ("1e+2", 20)
            ]
        );
        assert_eq!(texts("2e"), [("2", 1), ("e", 2)]);
        assert_eq!(texts("1.2.3"), [("1.2", 1), (".3", 4)]);
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(texts("\té+x"), [("é", 2), ("+", 3), ("x", 4)]);
    }
}
