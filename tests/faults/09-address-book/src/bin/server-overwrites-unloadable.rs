//! Fault: a book that cannot be loaded is taken for an empty one, and the
//! start-up snapshot writes an empty book over it: someone's damaged (but
//! perhaps recoverable) book is destroyed.
//!
//! replaces: address-book-server
//! rejected-by: step4_an_unloadable_book_is_left_untouched

use std::sync::Arc;

use address_book::book::Book;
use address_book::log;
use address_book::store::Store;
use address_book_faults::{args, serve_with};

fn main() {
    let args = args();
    let book = log::load(&args.book).unwrap_or_else(|why| {
        eprintln!("warning: {why}: starting with an empty book");
        Book::new()
    });
    log::write_snapshot(&args.book, &book).expect("write the book");
    let file = log::open_for_append(&args.book).expect("open the book");
    let store = Store::new(book, file);
    serve_with(&args, Arc::new(move |request| store.handle(request)));
}
