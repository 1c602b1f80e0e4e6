//! Fault: the request line is split on whitespace and missing parts are
//! filled in (`GET /` taken as `GET / HTTP/1.1`, `GARBAGE` as `GARBAGE /`):
//! garbage is served instead of refused with 400.
//!
//! replaces: http-server
//! rejected-by: step3_garbage_gets_400

use http_server::request::Request;
use http_server::response::Status;
use http_server_faults::{read_head, serve_heads};

/// The lenient parse, which refuses nothing: the mistake.
fn parse(head: &[u8]) -> Result<Request<'_>, Status> {
    let line = std::str::from_utf8(head)
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("");
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("GET");
    let target = parts.next().unwrap_or("/");
    Ok(Request {
        method,
        target,
        version: (1, 1),
    })
}

fn main() {
    serve_heads(read_head, parse);
}
