//! Fault: the accept loop serves each connection to its end before accepting
//! the next, the lecture's server: a second client waits for ever while the
//! first stays connected.
//!
//! replaces: address-book-server
//! rejected-by: step2_clients_share_one_book_and_are_served_at_once

use address_book::server::serve;
use address_book_faults::{args, bind_or_exit, store_or_exit};

fn main() {
    let args = args();
    let store = store_or_exit(&args.book);
    let answer = move |request: &_| store.handle(request);
    for stream in bind_or_exit(&args).incoming().flatten() {
        let _ = serve(&stream, &answer);
    }
}
