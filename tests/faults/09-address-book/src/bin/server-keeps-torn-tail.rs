//! Fault: at start the log is replayed (a torn last record dropped, as it
//! should be) but the file is then appended to as it is: the next record lands
//! right after the torn bytes, glued to them into one bad record, and the next
//! start drops it (or, with more records after it, refuses the whole file).
//!
//! replaces: address-book-server
//! rejected-by: step4_a_torn_last_record_is_dropped_and_the_next_start_loads

use std::sync::Arc;

use address_book::log;
use address_book::store::Store;
use address_book_faults::{args, load_or_exit, serve_with};

fn main() {
    let args = args();
    let book = load_or_exit(&args.book);
    if !args.book.exists() {
        log::write_snapshot(&args.book, &book).expect("create the book");
    }
    let file = log::open_for_append(&args.book).expect("open the book");
    let store = Store::new(book, file);
    serve_with(&args, Arc::new(move |request| store.handle(request)));
}
