//! Fault: the server reads the request with one `read` of 4096 bytes and takes
//! whatever came for the whole request. When the request line arrives in two
//! parts, it answers the first part (here, 400 for `GET /ab`).
//!
//! replaces: http-server
//! rejected-by: step5_request_split_by_a_pause_is_served

use std::io::Read;
use std::net::TcpStream;

use http_server::request::Head;
use http_server_faults::{parse, serve_heads};

/// One read taken for the whole head: the mistake. Whatever came is parsed
/// as if the blank line had come too.
fn read_once(stream: &mut TcpStream) -> Head {
    let mut buffer = [0u8; 4096];
    let Ok(n) = stream.read(&mut buffer) else {
        return Head::Incomplete;
    };
    let mut head = buffer[..n].to_vec();
    head.extend_from_slice(b"\r\n\r\n");
    Head::Complete(head)
}

fn main() {
    serve_heads(read_once, parse);
}
