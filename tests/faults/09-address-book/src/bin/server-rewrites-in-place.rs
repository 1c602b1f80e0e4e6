//! Fault: every change rewrites the book file in place (truncate, then write
//! the entries one by one), the lecture's way. Stopped cleanly it keeps the
//! book; killed in the middle of a rewrite it leaves the file cut short, and
//! entries answered `OK` long ago are gone.
//!
//! replaces: address-book-server
//! rejected-by: step4_kill_9_at_any_moment_loses_no_answered_change
//! accepted-by: step1_ step2_ step3_

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use address_book::book::Book;
use address_book::log::{self, HEADER};
use address_book::protocol::Request;
use address_book_faults::{args, load_or_exit, serve_with};

/// Truncates the file, then writes it again entry by entry.
fn rewrite(path: &Path, book: &Book) -> std::io::Result<()> {
    let mut file = File::create(path)?; // the old book is gone from here on
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
    let path = args.book.clone();
    let book = Mutex::new(load_or_exit(&path));
    serve_with(
        &args,
        Arc::new(move |request| {
            let mut book = book.lock().unwrap();
            let outcome = book.apply(request);
            if outcome.changed {
                rewrite(&path, &book).expect("rewrite the book");
            }
            outcome.answer
        }),
    );
}
