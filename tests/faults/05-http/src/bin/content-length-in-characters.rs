//! Fault: `Content-Length` counts characters (`body.chars().count()`), not
//! bytes. On a page with `—`, `·` or `é` (two or three bytes each in UTF-8) it
//! says less than what follows, and a client cuts the page short.
//!
//! replaces: http-server
//! rejected-by: step1_every_response_has_the_four_headers

use std::time::SystemTime;

use http_server::response::{http_date, Response};
use http_server_faults::serve_encoded;

/// The response, with the length in characters: the mistake.
fn bytes(response: &Response) -> Vec<u8> {
    let right = response.to_bytes(&http_date(SystemTime::now()));
    let text = String::from_utf8(right).unwrap();
    let wrong = format!("Content-Length: {}\r\n", response.body.chars().count());
    let right = format!("Content-Length: {}\r\n", response.body.len());
    text.replace(&right, &wrong).into_bytes()
}

fn main() {
    serve_encoded(bytes);
}
