//! Fault: the request head goes into one 4096-byte buffer, filled by a loop
//! of reads: a head over 4 KiB (big cookies) gets 431, though the limit is
//! 8 KiB.
//!
//! replaces: http-server
//! rejected-by: step5_a_7_kib_head_is_served

use std::io::Read;
use std::net::TcpStream;

use http_server::request::Head;
use http_server_faults::{parse, serve_heads};

/// Reads the head into a 4 KiB buffer: the mistake.
fn read_head_4k(stream: &mut TcpStream) -> Head {
    let mut buffer = [0u8; 4096];
    let mut len = 0;
    while !buffer[..len].windows(4).any(|w| w == b"\r\n\r\n") {
        if len == buffer.len() {
            return Head::TooLarge;
        }
        match stream.read(&mut buffer[len..]) {
            Ok(0) | Err(_) => return Head::Incomplete,
            Ok(n) => len += n,
        }
    }
    Head::Complete(buffer[..len].to_vec())
}

fn main() {
    serve_heads(read_head_4k, parse);
}
