//! address-book: the client of the address book server. With a command it
//! sends one request and prints the answer; without one, a menu. See the
//! exercise's README.md.

use clap::{Parser, Subcommand};

/// The address book client: one command, then exit; without one, a menu.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The server, as host:port.
    #[arg(long)]
    server: String,
    /// What to do (none: the interactive menu).
    #[command(subcommand)]
    command: Option<Command>,
}

/// The one-shot commands.
#[derive(Subcommand, Debug)]
enum Command {
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

fn main() {
    let args = Args::parse();
    todo!(
        "README step 1: connect to {}, send the request line of {:?}, print the answer",
        args.server,
        args.command
    )
}
