//! Fault: the head grows by whatever each read brings, and the limit is
//! checked with `==`: when the reads do not end exactly at 8192 bytes (a
//! pause shifts them) the check never fires, and a 16 KiB header is read
//! whole and served.
//!
//! replaces: http-server
//! rejected-by: step5_a_16_kib_header_in_uneven_pieces_gets_431

use std::io::Read;
use std::net::TcpStream;

use http_server::request::{Head, MAX_HEAD};
use http_server_faults::{parse, serve_heads};

fn read_head(stream: &mut TcpStream) -> Head {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Head::Incomplete,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(at + 4);
            return Head::Complete(head);
        }
        // The mistake: `==` where `>` is meant (and trusted to have fired
        // before any blank line past the limit).
        if head.len() == MAX_HEAD {
            return Head::TooLarge;
        }
    }
}

fn main() {
    serve_heads(read_head, parse);
}
