//! Fault: the `Date` header is RFC 2822 (`Sat, 21 Nov 2026 05:27:02 +0000`,
//! what `chrono`'s `to_rfc2822()` gives), not HTTP's IMF-fixdate (`… GMT`).
//!
//! replaces: http-server
//! rejected-by: step1_date_is_an_imf_fixdate_of_now

use std::time::SystemTime;

use http_server::response::{http_date, Response};
use http_server_faults::serve_encoded;

/// The response, with an e-mail date: the mistake.
fn bytes(response: &Response) -> Vec<u8> {
    let date = http_date(SystemTime::now()).replace(" GMT", " +0000");
    response.to_bytes(&date)
}

fn main() {
    serve_encoded(bytes);
}
