//! Fault: the `Date` header is the local time labelled GMT, as formatting
//! `chrono::Local::now()` with a literal ` GMT` gives on a machine in Paris
//! (UTC+1). The offset is pinned here so the mistake shows on a UTC test
//! machine too.
//!
//! replaces: http-server
//! rejected-by: step1_date_is_an_imf_fixdate_of_now

use std::time::SystemTime;

use http_server::response::{http_date, Response};
use http_server_faults::serve_encoded;

/// The response, stamped with the wall clock of UTC+1: the mistake.
fn bytes(response: &Response) -> Vec<u8> {
    let paris = SystemTime::now() + std::time::Duration::from_secs(3600);
    response.to_bytes(&http_date(paris))
}

fn main() {
    serve_encoded(bytes);
}
