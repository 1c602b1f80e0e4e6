//! Fault: when the log has grown well beyond its book, the server rewrites it
//! at start-up as a snapshot of a new, empty book instead of the book it has
//! just loaded: it serves the right book until the next restart, which finds
//! every entry gone.
//!
//! replaces: address-book-server
//! rejected-by: step4_many_changes_to_few_names_survive_two_restarts

use std::path::Path;
use std::process::exit;
use std::sync::Arc;

use address_book::book::Book;
use address_book::log;
use address_book::protocol::Request;
use address_book::server::Answer;
use address_book::store::Store;
use address_book_faults::{args, serve_with};

/// The solution's `Store::open`, with the mistake.
fn open(path: &Path) -> Result<Store, String> {
    let loaded = log::load_log(path)?;
    let prepared = if loaded.len == 0 || loaded.records > 2 * loaded.book.len() + 1000 {
        // The mistake: the snapshot of a fresh book, not of the loaded one.
        log::write_snapshot(path, &Book::new())
    } else if loaded.whole < loaded.len {
        log::truncate(path, loaded.whole)
    } else {
        Ok(())
    };
    prepared.map_err(|err| err.to_string())?;
    let file = log::open_for_append(path).map_err(|err| err.to_string())?;
    Ok(Store::new(loaded.book, file))
}

fn main() {
    let args = args();
    let store = open(&args.book).unwrap_or_else(|why| {
        eprintln!("error: {why}");
        exit(1)
    });
    let answer: Arc<Answer> = Arc::new(move |request: &Request| store.handle(request));
    serve_with(&args, answer);
}
