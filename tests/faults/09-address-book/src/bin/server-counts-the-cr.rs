//! Fault: the server checks a line's length before it removes the `\r` of a
//! `\r\n`: a request of 4096 bytes that ends in `\r\n` answers `ERR line too
//! long`, though the line end is not counted.
//!
//! replaces: address-book-server
//! rejected-by: step1_the_4096_bytes_do_not_count_the_line_end

use std::io::{BufRead, BufReader, Write};
use std::thread;

use address_book::lines::MAX_LINE;
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
                // The mistake: the `\r` is still there when the length is checked.
                let reply = if text.len() > MAX_LINE {
                    Some("ERR line too long".to_string())
                } else {
                    let text = text.strip_suffix(b"\r").unwrap_or(text);
                    answer_line(text, &|request| store.handle(request))
                };
                if let Some(reply) = reply {
                    if writeln!(writer, "{reply}").is_err() {
                        break;
                    }
                }
                line.clear();
            }
        });
    }
}
