//! Fault: one `recv(1024)` is taken for one request, the lecture's server. TCP
//! is a byte stream: a request sent in pieces arrives in several reads, and
//! pipelined requests arrive together in one.
//!
//! replaces: address-book-server
//! rejected-by: step1_requests_in_1_byte_segments_and_pipelined

use std::io::{Read, Write};
use std::thread;

use address_book::server::answer_line;
use address_book_faults::{args, bind_or_exit, store_or_exit};

fn main() {
    let args = args();
    let store = store_or_exit(&args.book);
    for mut stream in bind_or_exit(&args).incoming().flatten() {
        let store = store.clone();
        thread::spawn(move || {
            let mut buffer = [0u8; 1024];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let line = buffer[..n].strip_suffix(b"\n").unwrap_or(&buffer[..n]);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if let Some(reply) = answer_line(line, &|request| store.handle(request)) {
                    if writeln!(stream, "{reply}").is_err() {
                        break;
                    }
                }
            }
        });
    }
}
