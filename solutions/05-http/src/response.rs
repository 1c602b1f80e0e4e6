//! The response side: status codes, and what a response looks like on the
//! wire.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n
//! Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n
//! Content-Type: text/html; charset=utf-8\r\n
//! Content-Length: 1234\r\n
//! Connection: close\r\n
//! \r\n
//! <!DOCTYPE html>…
//! ```

use std::time::SystemTime;

/// A status code and its reason phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    pub reason: &'static str,
}

impl Status {
    pub const OK: Status = Status::new(200, "OK");
    pub const BAD_REQUEST: Status = Status::new(400, "Bad Request");
    pub const NOT_FOUND: Status = Status::new(404, "Not Found");
    pub const METHOD_NOT_ALLOWED: Status = Status::new(405, "Method Not Allowed");
    pub const HEADER_FIELDS_TOO_LARGE: Status = Status::new(431, "Request Header Fields Too Large");
    pub const HTTP_VERSION_NOT_SUPPORTED: Status = Status::new(505, "HTTP Version Not Supported");

    const fn new(code: u16, reason: &'static str) -> Status {
        Status { code, reason }
    }
}

/// A response to be sent: a status, an HTML body, and any headers beyond the
/// four that every response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: Status,
    /// Extra headers, such as `Allow` on a 405.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    /// False for an answer to `HEAD`: the same head, no body.
    pub send_body: bool,
}

impl Response {
    /// A response carrying `body`, an HTML page.
    pub fn html(status: Status, body: String) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
            send_body: true,
        }
    }

    /// An error response: a small page whose `<h1>` is the code and reason,
    /// so that a browser shows the user what went wrong.
    pub fn error(status: Status) -> Response {
        let title = format!("{} {}", status.code, status.reason);
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
             <body>\n<h1>{title}</h1>\n<p><a href=\"/\">Home</a></p>\n</body>\n</html>\n"
        );
        Response::html(status, body)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_string()));
        self
    }

    /// The answer to `HEAD`: everything `GET` would get, headers included
    /// (`Content-Length` too), except the body.
    pub fn without_body(mut self) -> Response {
        self.send_body = false;
        self
    }

    /// The response as bytes on the wire, stamped with `date` (an
    /// IMF-fixdate, see [`http_date`]). Every line ends with `\r\n`.
    pub fn to_bytes(&self, date: &str) -> Vec<u8> {
        let Status { code, reason } = self.status;
        let mut head = format!("HTTP/1.1 {code} {reason}\r\n");
        head.push_str(&format!("Date: {date}\r\n"));
        head.push_str("Content-Type: text/html; charset=utf-8\r\n");
        // Bytes, not characters: `"café".len()` is 5, its `chars().count()` 4.
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        // One request per connection: say so, and the client knows the
        // server will close after this response.
        head.push_str("Connection: close\r\n");
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if self.send_body {
            bytes.extend_from_slice(self.body.as_bytes());
        }
        bytes
    }
}

/// The time as HTTP wants it: IMF-fixdate, always in GMT (which is UTC), as
/// in `Sun, 06 Nov 1994 08:49:37 GMT`. Never the local time: a client cannot
/// know the server's time zone.
pub fn http_date(now: SystemTime) -> String {
    httpdate::fmt_http_date(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn dates_are_imf_fixdate() {
        let date = http_date(UNIX_EPOCH + Duration::from_secs(784_111_777));
        assert_eq!(date, "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn content_length_counts_bytes() {
        let bytes = Response::html(Status::OK, "café".into()).to_bytes("D");
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("Content-Length: 5\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\ncafé"), "{text}");
    }

    #[test]
    fn head_keeps_the_length_and_drops_the_body() {
        let bytes = Response::html(Status::OK, "café".into())
            .without_body()
            .to_bytes("D");
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("Content-Length: 5\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n"), "{text}");
    }
}
