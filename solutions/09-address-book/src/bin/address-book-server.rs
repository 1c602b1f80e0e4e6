//! address-book-server: the book, for many clients at once, durable.
//!
//! It loads the book before it listens (a book it cannot load stops it: the
//! file stays as it is), and answers a change only once it is on disk.

use std::process::ExitCode;
use std::sync::Arc;

use address_book::store::Store;
use address_book::{server, ServerArgs};
use clap::Parser;

fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let store = match Store::open(&args.book) {
        Ok(store) => Arc::new(store),
        Err(why) => {
            eprintln!("error: {why}");
            return ExitCode::from(1);
        }
    };
    let listener = match server::bind(&args.host, args.port) {
        Ok(listener) => listener,
        Err(why) => {
            eprintln!("error: {why}");
            return ExitCode::from(1);
        }
    };
    server::run(listener, Arc::new(move |request| store.handle(request)));
    ExitCode::SUCCESS
}
