//! Fault: the shared book is read, changed and written back in three steps,
//! the lock taken for each step alone: a copy of the map, the change made to
//! the copy (and logged, with an fsync), the copy stored back. Two clients
//! changing the book at once both start from the same copy, and the second
//! to store it back wipes out the first one's change (a lost update), though
//! both were answered `OK`.
//!
//! replaces: address-book-server
//! rejected-by: step2_20_clients_adding_at_once_lose_nothing

use std::io::Write;
use std::sync::{Arc, Mutex};

use address_book::log;
use address_book_faults::{args, load_or_exit, serve_with};

fn main() {
    let args = args();
    let book = load_or_exit(&args.book);
    log::write_snapshot(&args.book, &book).expect("write the book");
    let file = Mutex::new(log::open_for_append(&args.book).expect("open the book"));
    let book = Mutex::new(book);
    serve_with(
        &args,
        Arc::new(move |request| {
            let mut copy = book.lock().unwrap().clone(); // read
            let outcome = copy.apply(request); // modify
            if outcome.changed {
                let mut file = file.lock().unwrap();
                file.write_all(&log::record(request)).expect("append");
                file.sync_data().expect("fsync");
            }
            *book.lock().unwrap() = copy; // write back, over whatever others did meanwhile
            outcome.answer
        }),
    );
}
