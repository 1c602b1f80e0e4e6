//! Fault: lines are read with `read_until(b'\n')`, which buffers a line of any
//! length: a 5,000-byte line is served instead of refused, and a client that
//! never sends a `\n` can fill the server's memory.
//!
//! replaces: address-book-server
//! rejected-by: step1_bad_requests_get_err_and_the_connection_goes_on

use std::io::{BufRead, BufReader, Write};
use std::thread;

use address_book::server::answer_line;
use address_book_faults::{args, bind_or_exit, store_or_exit};

fn main() {
    let args = args();
    let store = store_or_exit(&args.book);
    for stream in bind_or_exit(&args).incoming().flatten() {
        let store = store.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(&stream);
            let mut writer = &stream;
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                let text = line.strip_suffix(b"\n").unwrap_or(&line);
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                if let Some(reply) = answer_line(text, &|request| store.handle(request)) {
                    if writeln!(writer, "{reply}").is_err() {
                        break;
                    }
                }
                line.clear();
            }
        });
    }
}
