//! What the tests of exercise 09 (address book) share: reading a listing.

use std::collections::BTreeMap;

use crate::{Reply, TcpConn};

/// Sends `lst:` and reads the whole listing (`LIST N`, then N lines
/// `NAME,ENTRY`) into a map, failing the test with a clear report if it is
/// not one, or if it is not sorted by name in byte order.
#[track_caller]
pub fn list(conn: &mut TcpConn) -> BTreeMap<String, String> {
    conn.send_line("lst:");
    let head = conn.expect_any_line("the listing's first line, `LIST N`");
    let Some(count) = head
        .strip_prefix("LIST ")
        .and_then(|n| n.parse::<usize>().ok())
    else {
        conn.failure("the answer to `lst:` must start with `LIST N`")
            .got(head.as_bytes())
            .raise()
    };
    let mut book = BTreeMap::new();
    let mut previous: Option<String> = None;
    for i in 0..count {
        let line = match conn.read_line() {
            Reply::Line(line) => String::from_utf8_lossy(&line).into_owned(),
            other => conn
                .failure(format!(
                    "`LIST {count}` promised {count} lines; line {} did not come ({other:?})",
                    i + 1
                ))
                .raise(),
        };
        let Some((name, entry)) = line.split_once(',') else {
            conn.failure(format!("line {} of the listing is not `NAME,ENTRY`", i + 1))
                .got(line.as_bytes())
                .raise()
        };
        if previous.as_deref().is_some_and(|p| p >= name) {
            conn.failure("a listing is sorted by name, in byte order, each name once")
                .with("this name", name)
                .with("came after", previous.unwrap_or_default())
                .raise();
        }
        previous = Some(name.to_string());
        book.insert(name.to_string(), entry.to_string());
    }
    book
}

/// How `got` (a book) differs from `expected`: the first few names that
/// differ, for a failure report (not the whole book).
pub fn differences(got: &BTreeMap<String, String>, expected: &BTreeMap<String, String>) -> String {
    let mut differences = Vec::new();
    for (name, entry) in expected {
        match got.get(name) {
            None => differences.push(format!("{name}: missing (expected {})", short(entry))),
            Some(other) if other != entry => differences.push(format!(
                "{name}: {} (expected {})",
                short(other),
                short(entry)
            )),
            Some(_) => {}
        }
    }
    for (name, entry) in got {
        if !expected.contains_key(name) {
            differences.push(format!("{name}: {} (expected no such entry)", short(entry)));
        }
    }
    let total = differences.len();
    differences.truncate(8);
    format!(
        "{total} name(s) differ; the first:\n{}",
        differences.join("\n")
    )
}

/// An entry for a report: quoted, and cut if long.
fn short(entry: &str) -> String {
    if entry.chars().count() <= 60 {
        format!("{entry:?}")
    } else {
        let head: String = entry.chars().take(40).collect();
        format!("{head:?}… ({} bytes)", entry.len())
    }
}
