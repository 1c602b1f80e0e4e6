//! What the faulty address books share, so that each fault binary is the
//! reference solution with one mistake.
//!
//! - [`args`], [`load_or_exit`] and [`serve_with`]: the reference server's
//!   start-up and accept loop around any answering function;
//! - the faults of the connection loop write their own loop around
//!   [`address_book::server::answer_line`].

use std::net::TcpListener;
use std::path::Path;
use std::process::exit;
use std::sync::Arc;

use address_book::book::Book;
use address_book::server::{self, Answer};
use address_book::store::Store;
use address_book::{log, ServerArgs};
use clap::Parser;

/// The server's arguments.
pub fn args() -> ServerArgs {
    ServerArgs::parse()
}

/// Loads the book as the solution does, or exits 1 with `error: …`.
pub fn load_or_exit(path: &Path) -> Book {
    log::load(path).unwrap_or_else(|why| {
        eprintln!("error: cannot load {}: {why}", path.display());
        exit(1)
    })
}

/// The solution's store (load, snapshot, append), or exit 1.
pub fn store_or_exit(path: &Path) -> Arc<Store> {
    match Store::open(path) {
        Ok(store) => Arc::new(store),
        Err(why) => {
            eprintln!("error: {why}");
            exit(1)
        }
    }
}

/// Binds as the solution does (prints `listening on`), or exits 1.
pub fn bind_or_exit(args: &ServerArgs) -> TcpListener {
    server::bind(&args.host, args.port).unwrap_or_else(|why| {
        eprintln!("error: {why}");
        exit(1)
    })
}

/// Binds and serves every client on a thread of its own with `answer`.
pub fn serve_with(args: &ServerArgs, answer: Arc<Answer>) {
    server::run(bind_or_exit(args), answer);
}
