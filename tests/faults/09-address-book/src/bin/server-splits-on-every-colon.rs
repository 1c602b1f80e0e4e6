//! Fault: the line is split on every `:` (`line.split(':')`) and the data is
//! the second piece, the lecture's server: an entry is cut at its first colon,
//! so `add:bob,tel:+41 44` stores `tel`.
//!
//! replaces: address-book-server
//! rejected-by: step1_entries_hold_colons_and_commas_and_names_odd_characters

use std::sync::Arc;

use address_book::protocol::Request;
use address_book_faults::{args, serve_with, store_or_exit};

fn main() {
    let args = args();
    let store = store_or_exit(&args.book);
    serve_with(
        &args,
        Arc::new(move |request| match request {
            // What `line.split(':').nth(1)` leaves of `add:NAME,ENTRY`.
            Request::Add { name, entry } => store.handle(&Request::Add {
                name: name.clone(),
                entry: entry.split(':').next().unwrap_or_default().to_string(),
            }),
            other => store.handle(other),
        }),
    );
}
