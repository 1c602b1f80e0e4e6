//! Fault: the server cuts an unrecognised command with `&command[..64]`: when
//! byte 64 falls inside a character, the slice panics, and the connection's
//! thread dies without an answer.
//!
//! replaces: address-book-server
//! rejected-by: step1_an_unrecognised_command_is_cut_at_a_character_boundary

use std::io::{BufReader, BufWriter, Write};
use std::thread;

use address_book::lines::{read_line, Line};
use address_book::protocol::parse;
use address_book::server::answer_line;
use address_book_faults::{args, bind_or_exit, store_or_exit};

fn main() {
    let args = args();
    let store = store_or_exit(&args.book);
    for stream in bind_or_exit(&args).incoming().flatten() {
        let store = store.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(&stream);
            let mut writer = BufWriter::new(&stream);
            let mut line = Vec::new();
            loop {
                let reply = match read_line(&mut reader, &mut line) {
                    Ok(Line::Text) => match std::str::from_utf8(&line).map(parse) {
                        // The mistake: a byte slice, where a character may be cut.
                        Ok(Err(why)) if why.starts_with("unrecognised command: ") => {
                            let text = std::str::from_utf8(&line).unwrap_or_default();
                            let command = text.split_once(':').map_or(text, |(c, _)| c);
                            let cut = &command[..command.len().min(64)];
                            Some(format!("ERR unrecognised command: {cut}"))
                        }
                        _ => answer_line(&line, &|request| store.handle(request)),
                    },
                    Ok(Line::TooLong) => Some("ERR line too long".to_string()),
                    Ok(Line::End) | Err(_) => break,
                };
                if let Some(reply) = reply {
                    if writeln!(writer, "{reply}")
                        .and_then(|()| writer.flush())
                        .is_err()
                    {
                        break;
                    }
                }
            }
        });
    }
}
