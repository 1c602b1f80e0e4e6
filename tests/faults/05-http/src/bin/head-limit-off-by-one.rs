//! Fault: a head of exactly 8192 bytes, the blank line included, gets 431:
//! the limit is compared with `>=` where "at most 8192" means `>`.
//!
//! replaces: http-server
//! rejected-by: step5_a_head_of_exactly_8192_bytes_is_served_and_8193_gets_431

use std::io::Read;
use std::net::TcpStream;

use http_server::request::{Head, MAX_HEAD};
use http_server_faults::{parse, serve_heads};

fn read_head(stream: &mut TcpStream) -> Head {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let room = (MAX_HEAD + 1 - head.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) | Err(_) => return Head::Incomplete,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            // The mistake: 8192 is allowed, so only more than 8192 is too large.
            if at + 4 >= MAX_HEAD {
                return Head::TooLarge;
            }
            head.truncate(at + 4);
            return Head::Complete(head);
        }
        if head.len() > MAX_HEAD {
            return Head::TooLarge;
        }
    }
}

fn main() {
    serve_heads(read_head, parse);
}
