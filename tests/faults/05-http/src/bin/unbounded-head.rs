//! Fault: the server reads until the blank line with no limit: a 16 KiB
//! header is served (and a 16 GiB one would take the memory).
//!
//! replaces: http-server
//! rejected-by: step5_a_16_kib_header_gets_431

use std::io::Read;
use std::net::TcpStream;

use http_server::request::Head;
use http_server_faults::{parse, serve_heads};

/// Reads until the blank line, with no limit: the mistake.
fn read_until_blank_line(stream: &mut TcpStream) -> Head {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Head::Incomplete,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    Head::Complete(head)
}

fn main() {
    serve_heads(read_until_blank_line, parse);
}
