//! The requests, parsed. A request is `cmd:data`, and the data is everything
//! after the *first* `:`: an entry such as `tel:+41 44 123` holds colons of
//! its own, so `split(':')` on the whole line (the lecture's version) breaks
//! it. For `add`, the name ends at the first `,`, so names may not hold one.

/// The longest name, in Unicode scalar values (`char`s).
pub const MAX_NAME: usize = 64;

/// One request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `add:NAME,ENTRY`
    Add { name: String, entry: String },
    /// `rem:NAME`
    Remove { name: String },
    /// `fnd:NAME`
    Find { name: String },
    /// `lst:`
    List,
}

impl Request {
    /// Whether it changes the book (and so must be on disk before its answer).
    pub fn is_change(&self) -> bool {
        matches!(self, Request::Add { .. } | Request::Remove { .. })
    }
}

/// Parses one line (without its line end). The error is the text after `ERR `.
pub fn parse(line: &str) -> Result<Request, String> {
    let Some((command, data)) = line.split_once(':') else {
        return Err(unrecognised(line));
    };
    match command {
        "add" => {
            let Some((name, entry)) = data.split_once(',') else {
                return Err("bad request: add needs NAME,ENTRY".into());
            };
            Ok(Request::Add {
                name: valid_name(name)?,
                entry: entry.to_string(),
            })
        }
        "rem" => Ok(Request::Remove {
            name: valid_name(data)?,
        }),
        "fnd" => Ok(Request::Find {
            name: valid_name(data)?,
        }),
        "lst" if data.is_empty() => Ok(Request::List),
        "lst" => Err("bad request: lst takes no argument".into()),
        _ => Err(unrecognised(command)),
    }
}

/// The lecture's message, with the command cut to 64 bytes (at a character
/// boundary, so that the answer stays UTF-8).
fn unrecognised(command: &str) -> String {
    let mut end = command.len().min(64);
    while !command.is_char_boundary(end) {
        end -= 1;
    }
    format!("unrecognised command: {}", &command[..end])
}

/// A name is 1 to [`MAX_NAME`] characters, none of them `,` `:` or a control
/// character: `,` ends a name in `add`, `:` ends a command, and a control
/// character (a `\r`, a NUL, an escape) would make listings lie.
pub fn valid_name(name: &str) -> Result<String, String> {
    let count = name.chars().count();
    let bad = |c: char| c == ',' || c == ':' || c.is_control();
    if count == 0 || count > MAX_NAME || name.chars().any(bad) {
        return Err("invalid name".into());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_split_at_the_first_colon_and_comma() {
        assert_eq!(
            parse("add:bob,tel:+41,44"),
            Ok(Request::Add {
                name: "bob".into(),
                entry: "tel:+41,44".into()
            })
        );
        assert_eq!(
            parse("add:bob"),
            Err("bad request: add needs NAME,ENTRY".into())
        );
        assert_eq!(parse("fnd:a,b"), Err("invalid name".into()));
        assert_eq!(
            parse("lst:x"),
            Err("bad request: lst takes no argument".into())
        );
        assert_eq!(parse("hello"), Err("unrecognised command: hello".into()));
        assert_eq!(parse("del:x"), Err("unrecognised command: del".into()));
    }
}
