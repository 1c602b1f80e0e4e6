//! Fault: the version is checked for its form (`HTTP/<d>.<d>`) but not its
//! major number, so an `HTTP/2.0` request is served as if it were 1.1.
//!
//! replaces: http-server
//! rejected-by: step3_http_2_gets_505

use http_server::request::Request;
use http_server::response::Status;
use http_server_faults::{read_head, serve_heads};

/// The parse, with any major version let through: the mistake.
fn parse(head: &[u8]) -> Result<Request<'_>, Status> {
    match Request::parse(head) {
        Err(Status::HTTP_VERSION_NOT_SUPPORTED) => {
            let line = std::str::from_utf8(head)
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("");
            let mut parts = line.split(' ');
            let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
            Ok(Request {
                method,
                target,
                version: (1, 1),
            })
        }
        other => other,
    }
}

fn main() {
    serve_heads(read_head, parse);
}
