//! Fault: the record of a change goes into a `BufWriter` over the log, and the
//! answer `OK` goes out at once, while the record still sits in the program's
//! own buffer (flushed only when it is full). A `kill -9` right after an `OK`
//! loses that change: the promise was broken before any disk was involved.
//!
//! replaces: address-book-server
//! rejected-by: step4_kill_9_at_any_moment_loses_no_answered_change

use std::io::{BufWriter, Write};
use std::sync::{Arc, Mutex};

use address_book::log;
use address_book_faults::{args, load_or_exit, serve_with};

fn main() {
    let args = args();
    let book = load_or_exit(&args.book);
    log::write_snapshot(&args.book, &book).expect("write the book");
    let file = log::open_for_append(&args.book).expect("open the book");
    let state = Mutex::new((book, BufWriter::new(file)));
    serve_with(
        &args,
        Arc::new(move |request| {
            let mut state = state.lock().unwrap();
            let (book, log) = &mut *state;
            let outcome = book.apply(request);
            if outcome.changed {
                log.write_all(&log::record(request)).expect("append");
            }
            outcome.answer
        }),
    );
}
