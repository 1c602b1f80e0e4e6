//! Fault: the server reads a whole line with `read_until(b'\n')` and checks its
//! length only then: a line over 4096 bytes still answers `ERR line too long`,
//! but a 32 MiB line sits whole in the server's memory first.
//!
//! replaces: address-book-server
//! rejected-by: step1_a_long_line_never_sits_in_memory

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
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                // The mistake: the bound, checked once the whole line is held.
                let reply = if text.len() > MAX_LINE {
                    Some("ERR line too long".to_string())
                } else {
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
