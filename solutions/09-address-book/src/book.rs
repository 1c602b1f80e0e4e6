//! The book: names and their entries, sorted by name (byte order, which is
//! what `String`'s `Ord` is), and what each request does to it.

use std::collections::BTreeMap;

use crate::protocol::Request;

/// Names and entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Book {
    entries: BTreeMap<String, String>,
}

/// What a request did: its answer, and whether it changed the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The answer, without its final `\n` (a listing holds several lines).
    pub answer: String,
    /// True when the book changed, so the change must reach the disk.
    pub changed: bool,
}

impl Book {
    /// An empty book.
    pub fn new() -> Book {
        Book::default()
    }

    /// The entries, sorted by name.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &String)> {
        self.entries.iter()
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Carries out `request` and says what to answer.
    pub fn apply(&mut self, request: &Request) -> Outcome {
        let read = |answer: String| Outcome {
            answer,
            changed: false,
        };
        let change = |answer: String| Outcome {
            answer,
            changed: true,
        };
        match request {
            Request::Add { name, entry } => {
                match self.entries.insert(name.clone(), entry.clone()) {
                    Some(_) => change(format!("OK replaced {name}")),
                    None => change(format!("OK added {name}")),
                }
            }
            Request::Remove { name } => match self.entries.remove(name) {
                Some(_) => change(format!("OK removed {name}")),
                None => read(format!("ERR no entry {name}")),
            },
            Request::Find { name } => match self.entries.get(name) {
                Some(entry) => read(format!("FOUND {name},{entry}")),
                None => read(format!("ERR no entry {name}")),
            },
            Request::List => {
                let mut answer = format!("LIST {}", self.entries.len());
                for (name, entry) in &self.entries {
                    answer.push('\n');
                    answer.push_str(name);
                    answer.push(',');
                    answer.push_str(entry);
                }
                read(answer)
            }
        }
    }
}
