//! Fault: every change rewrites the book file in place, the lecture's way:
//! truncate it to nothing, then write the header and the entries one by one.
//! Stopped cleanly it keeps the book; killed in the middle of a rewrite it
//! leaves the file cut short, and entries answered `OK` long ago are gone.
//!
//! replaces: address-book-server
//! rejected-by: step4_kill_9_at_any_moment_loses_no_answered_change
//! accepted-by: step1_ step2_ step3_

use std::fs::{File, OpenOptions};
use std::io::{Seek, Write};
use std::sync::{Arc, Mutex};

use address_book::book::Book;
use address_book::log::{self, HEADER};
use address_book::protocol::Request;
use address_book_faults::{args, load_or_exit, serve_with};

/// Truncates the file, then writes it again entry by entry.
fn rewrite(mut file: &File, book: &Book) -> std::io::Result<()> {
    file.set_len(0)?; // the old book is gone from here on
    file.rewind()?;
    writeln!(file, "{HEADER}")?;
    for (name, entry) in book.entries() {
        file.write_all(&log::record(&Request::Add {
            name: name.clone(),
            entry: entry.clone(),
        }))?;
    }
    Ok(())
}

fn main() {
    let args = args();
    let book = load_or_exit(&args.book);
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&args.book)
        .expect("open the book");
    rewrite(&file, &book).expect("write the book");
    let state = Mutex::new((book, file));
    serve_with(
        &args,
        Arc::new(move |request| {
            let mut state = state.lock().unwrap();
            let (book, file) = &mut *state;
            let outcome = book.apply(request);
            if outcome.changed {
                rewrite(file, book).expect("rewrite the book");
            }
            outcome.answer
        }),
    );
}
