//! Fault: the response head ends its lines with `\n` alone, not `\r\n`.
//! Browsers and curl forgive it; HTTP does not allow it.
//!
//! replaces: http-server
//! rejected-by: step1_every_response_has_the_four_headers

use std::time::SystemTime;

use http_server::response::{http_date, Response};
use http_server_faults::serve_encoded;

/// The response, with bare `\n` line ends in the head: the mistake.
fn bytes(response: &Response) -> Vec<u8> {
    let head_only = Response {
        send_body: false,
        ..response.clone()
    };
    let head = String::from_utf8(head_only.to_bytes(&http_date(SystemTime::now()))).unwrap();
    let mut bytes = head.replace("\r\n", "\n").into_bytes();
    if response.send_body {
        bytes.extend_from_slice(response.body.as_bytes());
    }
    bytes
}

fn main() {
    serve_encoded(bytes);
}
