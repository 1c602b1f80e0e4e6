//! The chat protocol: what a client's line means, and what is a valid name.
//!
//! Every line a client sends is either a command (`/nick`, `/join`, `/rooms`,
//! `/quit`) or a message to its room. The server's lines start with a word in
//! capitals (`MSG`, `JOIN`, `LEAVE`, `OK`, `ROOMS`, `ERR`), so that a program
//! can tell them apart with one `split`; the client turns them into text for
//! people (see [`crate::render`]).

/// The longest line either side accepts, not counting its `\n` or `\r\n`.
pub const MAX_LINE: usize = 4096;

/// The longest name or room.
pub const MAX_NAME: usize = 32;

/// What a client's line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command<'a> {
    /// `/nick <name>`: the name is not checked yet.
    Nick(&'a str),
    /// `/join <room>`: the room is not checked yet.
    Join(&'a str),
    /// `/rooms`
    Rooms,
    /// `/quit`
    Quit,
    /// Any other `/word`, which is kept for the error message.
    Unknown(&'a str),
    /// A message to the sender's room.
    Say(&'a str),
    /// An empty line: ignored, no answer.
    Empty,
}

impl<'a> Command<'a> {
    /// Reads one line (without its line end).
    pub fn parse(line: &'a str) -> Command<'a> {
        if line.is_empty() {
            return Command::Empty;
        }
        if !line.starts_with('/') {
            return Command::Say(line);
        }
        let (word, argument) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "/nick" => Command::Nick(argument),
            "/join" => Command::Join(argument),
            "/rooms" => Command::Rooms,
            "/quit" => Command::Quit,
            _ => Command::Unknown(word),
        }
    }
}

/// A name or a room: 1 to 32 characters of `A-Z a-z 0-9 _ -`. Keeping spaces
/// out is what lets `MSG <room> <from> <text>` be split on spaces.
pub fn is_valid_name(name: &str) -> bool {
    (1..=MAX_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_messages() {
        assert_eq!(Command::parse("/nick al"), Command::Nick("al"));
        assert_eq!(Command::parse("/join"), Command::Join(""));
        assert_eq!(Command::parse("/rooms"), Command::Rooms);
        assert_eq!(Command::parse("/dance now"), Command::Unknown("/dance"));
        assert_eq!(Command::parse("hi /join x"), Command::Say("hi /join x"));
        assert_eq!(Command::parse(""), Command::Empty);
    }

    #[test]
    fn names() {
        assert!(is_valid_name("Al_1-x"));
        assert!(is_valid_name(&"a".repeat(32)));
        for bad in ["", "a b", "é", "a.b", &"a".repeat(33)] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
    }
}
