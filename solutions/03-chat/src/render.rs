//! How `chat-client` shows the server's lines to people.
//!
//! The protocol is made for programs (a keyword first, fields split on
//! spaces); the client's job is to turn it into a conversation.

/// One server line, as shown to the user:
///
/// | server line | shown |
/// | --- | --- |
/// | `MSG general bob hi there` | `[general] bob: hi there` |
/// | `JOIN general bob` | `* bob joined general` |
/// | `LEAVE general bob` | `* bob left general` |
/// | `ROOMS general:2 random:1` | `rooms: general (2), random (1)` |
/// | `ROOMS` | `rooms: (none)` |
/// | `OK joined general` | `* joined general` |
/// | `ERR name taken` | `error: name taken` |
///
/// Anything else is shown as it came.
pub fn render(line: &str) -> String {
    let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
    let fields: Vec<&str> = rest.splitn(3, ' ').collect();
    match (kind, fields.as_slice()) {
        ("MSG", [room, from, text]) => format!("[{room}] {from}: {text}"),
        ("JOIN", [room, name]) => format!("* {name} joined {room}"),
        ("LEAVE", [room, name]) => format!("* {name} left {room}"),
        ("ROOMS", _) => {
            let rooms: Vec<String> = rest
                .split(' ')
                .filter(|entry| !entry.is_empty())
                .map(|entry| match entry.rsplit_once(':') {
                    Some((room, count)) => format!("{room} ({count})"),
                    None => entry.to_string(),
                })
                .collect();
            if rooms.is_empty() {
                "rooms: (none)".to_string()
            } else {
                format!("rooms: {}", rooms.join(", "))
            }
        }
        ("OK", _) => format!("* {rest}"),
        ("ERR", _) => format!("error: {rest}"),
        _ => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn every_kind_of_line() {
        assert_eq!(
            render("MSG general bob hi  there"),
            "[general] bob: hi  there"
        );
        assert_eq!(render("JOIN general bob"), "* bob joined general");
        assert_eq!(render("LEAVE general bob"), "* bob left general");
        assert_eq!(
            render("ROOMS general:2 random:1"),
            "rooms: general (2), random (1)"
        );
        assert_eq!(render("ROOMS"), "rooms: (none)");
        assert_eq!(render("OK nick al"), "* nick al");
        assert_eq!(render("ERR name taken"), "error: name taken");
        assert_eq!(render("HELLO there"), "HELLO there");
    }
}
