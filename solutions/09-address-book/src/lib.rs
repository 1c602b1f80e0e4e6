//! Exercise 09, address book: a server that keeps names and entries for many
//! clients at once, and never loses an entry it said `OK` to.
//!
//! The lecture's version reads `cmd:data` with one `recv`, serves one client at
//! a time, and saves the book (if at all) by rewriting the file in place. Each
//! of those is a lesson, and each has its own module here:
//!
//! - [`lines`]: a request is a line, however many reads it takes, and a line is
//!   at most [`lines::MAX_LINE`] bytes;
//! - [`protocol`]: `cmd:data` is split at the *first* `:` only, so an entry may
//!   hold `:` and `,`; names are checked;
//! - [`book`]: the book itself, a sorted map, and what each request does to it;
//! - [`log`]: the file on disk: an append-only log with a length and a checksum
//!   per record, replayed at start-up, and rewritten atomically (temporary
//!   file, fsync, rename, fsync of the directory) once per start;
//! - [`store`]: the book shared by every connection behind one lock, and the
//!   promise: an answer leaves only once the change is on disk (`fdatasync`),
//!   with the fsyncs of concurrent changes grouped into one (group commit);
//! - [`server`]: one thread per connection, reading lines and writing answers;
//! - [`client`]: the one-shot client and its menu.

pub mod book;
pub mod client;
pub mod lines;
pub mod log;
pub mod protocol;
pub mod server;
pub mod store;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The address book server: one request per line, one answer each.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ServerArgs {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 2007)]
    pub port: u16,
    /// The book file: loaded at start (missing: an empty book), kept durable.
    #[arg(long)]
    pub book: PathBuf,
}

/// The address book client: one command, then exit; without one, a menu.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ClientArgs {
    /// The server, as host:port.
    #[arg(long)]
    pub server: String,
    /// What to do (none: the interactive menu).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The client's one-shot commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Adds NAME, or replaces its entry: the ENTRY words joined by single spaces.
    Add {
        name: String,
        #[arg(allow_hyphen_values = true)]
        entry: Vec<String>,
    },
    /// Prints NAME's entry.
    Find { name: String },
    /// Removes NAME.
    Remove { name: String },
    /// Prints every entry, sorted by name.
    List,
}
