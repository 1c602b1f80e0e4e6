//! HTTP for the tests of exercise 05: a connection that sends a request (all
//! at once, a byte at a time, or in parts with pauses) and a strict reader of
//! the one response that comes back before the server closes.
//!
//! The reader parses with `httparse`, then checks what `httparse` lets pass,
//! because a browser or curl forgives it and a student would never notice:
//!
//! - every line of the head ends with `\r\n` (no bare `\n` or `\r`);
//! - the status line is exactly `HTTP/1.1 <3 digits> <reason>`, single spaces;
//! - header values are text, and no header that must be unique comes twice;
//! - `Content-Length` is there, is a number, and equals the body's length in
//!   bytes (the body being everything up to the close); a response to `HEAD`
//!   has no body at all;
//! - the server closes the connection after the response.
//!
//! ```ignore
//! let response = http::exchange(&server, b"GET /about HTTP/1.1\r\n\r\n");
//! response.expect_status_line("HTTP/1.1 200 OK");
//! ```

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use crate::report::{escape, Context, Failure};
use crate::tcp::{Reply, TcpConn};
use crate::{Server, PATIENCE};

/// Headers a response may carry once at most.
const UNIQUE: [&str; 4] = ["Content-Length", "Content-Type", "Date", "Connection"];

/// Sends `request` on a new connection to `server`, all at once, and reads
/// the response strictly.
#[track_caller]
pub fn exchange(server: &Server, request: &[u8]) -> Response {
    let mut conn = HttpConn::open(server, request);
    conn.send(request);
    conn.response()
}

/// A connection that carries one HTTP request and its response.
pub struct HttpConn {
    conn: TcpConn,
    /// The whole request the test means to send.
    request: Vec<u8>,
    /// What has been sent so far.
    sent: Vec<u8>,
    /// How it was sent, for the report ("all at once", "one byte per write").
    how: String,
    /// What the test wants a student to consider when this exchange fails.
    hint: Option<String>,
    context: Context,
}

impl HttpConn {
    /// Connects to `server` to send `request` (in one go or in parts: see
    /// [`HttpConn::send`]). Failure reports show how to send it by hand:
    /// `curl -v …` for a plain GET or HEAD, `printf '…' | nc …` otherwise.
    pub fn open(server: &Server, request: &[u8]) -> HttpConn {
        HttpConn::open_with_repro(server, request, &repro(server, request))
    }

    /// Like [`HttpConn::open`], with the line that reproduces the request by
    /// hand given (for a request too long to print).
    pub fn open_with_repro(server: &Server, request: &[u8], repro: &str) -> HttpConn {
        let context = server.context_with(repro);
        HttpConn {
            conn: TcpConn::connect(server.addr(), context.clone()),
            request: request.to_vec(),
            sent: Vec::new(),
            how: "in one write".into(),
            hint: None,
            context,
        }
    }

    /// Adds a hint to every failure report of this exchange.
    pub fn hint(&mut self, hint: &str) {
        self.hint = Some(hint.to_string());
    }

    /// The underlying connection (for `stream().set_nodelay`, say).
    pub fn tcp(&mut self) -> &mut TcpConn {
        &mut self.conn
    }

    /// Sends `part` of the request, failing the test if it cannot.
    #[track_caller]
    pub fn send(&mut self, part: &[u8]) {
        if !self.sent.is_empty() && self.how == "in one write" {
            self.how = "in parts".into();
        }
        if let Err(err) = self.conn.stream().write_all(part) {
            self.sent.extend_from_slice(part);
            let answer = self.early_answer();
            self.failure(format!("could not send the request: {err}"))
                .with("got", answer)
                .raise();
        }
        self.sent.extend_from_slice(part);
    }

    /// Sends the whole request one byte per write, with `TCP_NODELAY` so each
    /// byte travels in a segment of its own. Fails the test if the server
    /// closes (or answers) before the last byte.
    #[track_caller]
    pub fn send_byte_by_byte(&mut self) {
        self.how = "one byte per write, TCP_NODELAY".into();
        self.conn
            .stream()
            .set_nodelay(true)
            .expect("set TCP_NODELAY");
        let request = self.request.clone();
        for (i, byte) in request.iter().enumerate() {
            // A server that answers early closes too: the writes after its
            // close fail (EPIPE or reset), and this says what it answered.
            if let Err(err) = self.conn.stream().write_all(&[*byte]) {
                let answer = self.early_answer();
                self.failure(format!(
                    "the server stopped taking the request after {i} of its {} bytes ({err}): it \
                     answered, or closed, before the request was complete",
                    request.len()
                ))
                .with("got", answer)
                .with("hint", "keep reading until the blank line `\\r\\n\\r\\n`: a read returns whatever has arrived so far")
                .raise();
            }
            self.sent.push(*byte);
        }
    }

    /// With the request part-sent, waits until the server has read the part
    /// (an event: [`TcpConn::until_read`]), then `pause` more (the
    /// test's injected delay), failing the test if the server answers or
    /// closes meanwhile: it took the part for the whole request.
    #[track_caller]
    pub fn expect_no_answer_during(&mut self, pause: Duration) {
        self.how = format!(
            "in parts: a pause after these, until the server had read them and {} ms more",
            pause.as_millis()
        );
        self.conn.until_read();
        self.conn.set_patience(pause);
        let reply = self.conn.read_to_close();
        self.conn.set_patience(PATIENCE);
        let answered = match &reply {
            Reply::NoResponse(partial) => !partial.is_empty(),
            _ => true,
        };
        if answered {
            let got = match reply {
                Reply::Closed(bytes) if bytes.is_empty() => {
                    "(the connection closed, nothing was said)".into()
                }
                Reply::Closed(bytes) | Reply::NoResponse(bytes) | Reply::Line(bytes) => {
                    show_response(&bytes)
                }
            };
            self.failure(format!(
                "the server answered when only {} of the request's {} bytes had arrived (the rest \
                 was held back until it had read them, and {} ms more): it took one read for the \
                 whole request",
                self.sent.len(),
                self.request.len(),
                pause.as_millis()
            ))
            .with("got", got)
            .with("hint", "keep reading until the blank line `\\r\\n\\r\\n`: a read returns whatever has arrived so far")
            .raise();
        }
    }

    /// Whatever the server said before it closed, for a report.
    fn early_answer(&mut self) -> String {
        self.conn.set_patience(Duration::from_millis(500));
        match self.conn.read_to_close() {
            Reply::Closed(bytes) | Reply::NoResponse(bytes) | Reply::Line(bytes)
                if !bytes.is_empty() =>
            {
                show_response(&bytes)
            }
            _ => "(nothing, or it was lost to the reset)".into(),
        }
    }

    /// Reads the response, up to the server's close, and checks it strictly
    /// (see the module's documentation). Fails the test on silence, on a
    /// connection left open, or on anything malformed.
    #[track_caller]
    pub fn response(mut self) -> Response {
        let bytes = self.read_response();
        Response::parse(bytes, self.sent, self.context)
    }

    /// Reads the response like [`HttpConn::response`], then keeps the
    /// connection open and writes a byte to it every 100 ms: once the server
    /// has closed its socket for good, its kernel answers with a reset and a
    /// write fails. Fails the test if the server still takes bytes `within`
    /// after its response: it answered, half-closed, and never let go.
    #[track_caller]
    pub fn response_then_let_go_within(mut self, within: Duration) -> Response {
        let bytes = self.read_response();
        let answered = Instant::now();
        let mut written = 0;
        while answered.elapsed() < within + PATIENCE {
            if self.conn.stream().write_all(b"x").is_err() {
                return Response::parse(bytes, self.sent, self.context);
            }
            written += 1;
            thread::sleep(Duration::from_millis(100)); // injected delay: one byte per 100 ms, for as long as the server takes them
        }
        self.failure(format!(
            "after its response and its half-close (EOF), the server kept reading this connection \
             for {:.1} s ({written} more bytes, one per 100 ms, all taken): it should close for \
             good within {:.1} s, or every client that stays connected keeps a thread",
            answered.elapsed().as_secs_f64(),
            within.as_secs_f64()
        ))
        .with("got", show_response(&bytes))
        .with(
            "hint",
            "after the half-close, read what the client still sends for a while, but with a \
             deadline (set_read_timeout before each read), then drop the stream",
        )
        .raise()
    }

    /// The response's bytes, up to the server's close.
    #[track_caller]
    fn read_response(&mut self) -> Vec<u8> {
        match self.conn.read_to_close() {
            Reply::Closed(bytes) if bytes.is_empty() => self
                .failure("the server closed the connection without a response")
                .raise(),
            Reply::Closed(bytes) => bytes,
            Reply::NoResponse(partial) if partial.is_empty() => self
                .failure(format!(
                    "no response within {:.1} s",
                    PATIENCE.as_secs_f64()
                ))
                .raise(),
            Reply::NoResponse(partial) | Reply::Line(partial) => self
                .failure(format!(
                    "the server did not close the connection within {:.1} s of its response: with \
                     `Connection: close`, one request gets one response, then the server closes",
                    PATIENCE.as_secs_f64()
                ))
                .with("got", show_response(&partial))
                .raise(),
        }
    }

    fn failure(&self, headline: impl Into<String>) -> Failure {
        let mut failure = Failure::new(headline).with(
            "sent",
            format!("{} ({})", show_request(&self.sent), self.how),
        );
        if let Some(hint) = &self.hint {
            failure = failure.with("hint", hint);
        }
        failure.context(&self.context)
    }
}

/// A response, read whole and checked strictly.
pub struct Response {
    /// The head, up to and including the blank line.
    head: Vec<u8>,
    /// The body: everything after the head, up to the close.
    pub body: Vec<u8>,
    pub code: u16,
    pub reason: String,
    /// The headers, names as sent, values as text.
    pub headers: Vec<(String, String)>,
    /// The request it answers, and where, for reports.
    sent: Vec<u8>,
    context: Context,
}

impl Response {
    #[track_caller]
    fn parse(bytes: Vec<u8>, sent: Vec<u8>, context: Context) -> Response {
        let mut response = Response {
            head: Vec::new(),
            body: Vec::new(),
            code: 0,
            reason: String::new(),
            headers: Vec::new(),
            sent,
            context,
        };
        let fail = |response: &Response, headline: String| -> ! {
            Failure::new(headline)
                .with("sent", show_request(&response.sent))
                .with("got", show_response(&bytes))
                .context(&response.context)
                .raise()
        };
        let Some(end) = find(&bytes, b"\r\n\r\n").map(|at| at + 4) else {
            if find(&bytes, b"\n\n").is_some() {
                fail(
                    &response,
                    "the head ends with `\\n\\n`: every line of an HTTP head ends with `\\r\\n`"
                        .into(),
                );
            }
            fail(
                &response,
                "no blank line (`\\r\\n\\r\\n`) ends the head".into(),
            );
        };
        response.head = bytes[..end].to_vec();
        response.body = bytes[end..].to_vec();

        // httparse takes a bare `\n` for a line end: HTTP does not.
        for (i, line) in response.head.split_inclusive(|&b| b == b'\n').enumerate() {
            let body = &line[..line.len() - 1];
            if !line.ends_with(b"\r\n") || body[..body.len().saturating_sub(1)].contains(&b'\r') {
                fail(&response, format!(
                    "line {} of the head, \"{}\", does not end with `\\r\\n` (or holds a stray `\\r`): \
                     every line of an HTTP head ends with `\\r\\n`",
                    i + 1,
                    escape(line)
                ));
            }
        }

        let mut slots = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut slots);
        match parsed.parse(&response.head) {
            Ok(httparse::Status::Complete(n)) if n == response.head.len() => {}
            Ok(_) => fail(&response, "httparse reads the head as incomplete".into()),
            Err(err) => fail(
                &response,
                format!("not an HTTP response head (httparse: {err})"),
            ),
        }
        let (Some(version), Some(code)) = (parsed.version, parsed.code) else {
            fail(&response, "httparse found no status line".into());
        };
        response.code = code;
        response.reason = parsed.reason.unwrap_or_default().to_string();
        // httparse accepts `HTTP/1.0`, no reason, and more spaces than one.
        let status_line = response.status_line();
        let exact = format!("HTTP/1.{version} {code:03} {}", response.reason);
        if version != 1 || status_line != exact || response.reason.is_empty() {
            fail(&response, format!(
                "the status line `{status_line}` is not `HTTP/1.1 <code> <reason>` with single spaces"
            ));
        }
        for header in parsed.headers.iter() {
            let Ok(value) = std::str::from_utf8(header.value) else {
                fail(
                    &response,
                    format!("the value of {} is not text", header.name),
                );
            };
            response
                .headers
                .push((header.name.to_string(), value.to_string()));
        }
        for name in UNIQUE {
            if response.all(name).len() > 1 {
                fail(
                    &response,
                    format!(
                        "{name} comes {} times: at most once",
                        response.all(name).len()
                    ),
                );
            }
        }

        let Some(length) = response.header("Content-Length") else {
            fail(&response, "no Content-Length header".into());
        };
        let length: usize = match length.parse() {
            Ok(n) if length.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => fail(
                &response,
                format!("Content-Length `{length}` is not a number of bytes"),
            ),
        };
        if response.sent.starts_with(b"HEAD ") {
            if !response.body.is_empty() {
                fail(
                    &response,
                    format!(
                        "a response to HEAD has no body, but {} bytes followed the head",
                        response.body.len()
                    ),
                );
            }
        } else if length != response.body.len() {
            let chars = String::from_utf8_lossy(&response.body).chars().count();
            let why = if length == chars && chars != response.body.len() {
                ": it counts characters, and this UTF-8 body has fewer characters than bytes (`str::len` counts bytes)"
            } else {
                ""
            };
            fail(&response, format!(
                "Content-Length is {length}, but the body (everything up to the close) is {} bytes{why}",
                response.body.len()
            ));
        }
        response
    }

    /// The first line, without its `\r\n`.
    pub fn status_line(&self) -> String {
        let end = find(&self.head, b"\r\n").unwrap_or(self.head.len());
        String::from_utf8_lossy(&self.head[..end]).into_owned()
    }

    /// The value of the header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.all(name).first().copied()
    }

    /// Every value of the header `name` (case-insensitive).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text, failing the test if it is not UTF-8.
    #[track_caller]
    pub fn text(&self) -> &str {
        match std::str::from_utf8(&self.body) {
            Ok(text) => text,
            Err(err) => self
                .failure(format!("the body is not UTF-8 ({err})"))
                .raise(),
        }
    }

    /// Fails the test unless the status line is exactly `expected`.
    #[track_caller]
    pub fn expect_status_line(&self, expected: &str) {
        let got = self.status_line();
        if got != expected {
            self.failure(format!("the status line is `{got}`, expected `{expected}`"))
                .raise();
        }
    }

    /// Fails the test unless the header `name` is exactly `expected`.
    #[track_caller]
    pub fn expect_header(&self, name: &str, expected: &str) {
        match self.header(name) {
            Some(value) if value == expected => {}
            Some(value) => self
                .failure(format!("{name}: `{value}`, expected `{expected}`"))
                .raise(),
            None => self
                .failure(format!("no {name} header, expected `{name}: {expected}`"))
                .raise(),
        }
    }

    /// A report showing the request, and the response head line by line.
    pub fn failure(&self, headline: impl Into<String>) -> Failure {
        let mut bytes = self.head.clone();
        bytes.extend_from_slice(&self.body);
        Failure::new(headline)
            .with("sent", show_request(&self.sent))
            .with("got", show_response(&bytes))
            .context(&self.context)
    }
}

/// A request for a report: escaped, cut when long.
fn show_request(bytes: &[u8]) -> String {
    if bytes.len() > 200 {
        format!("\"{}…\" ({} bytes)", escape(&bytes[..160]), bytes.len())
    } else {
        format!("\"{}\"", escape(bytes))
    }
}

/// A response for a report: the head one line per line, then the body's
/// beginning.
fn show_response(bytes: &[u8]) -> String {
    let (head, body) = match find(bytes, b"\r\n\r\n").or_else(|| find(bytes, b"\n\n")) {
        Some(at) => {
            let end = at + if bytes[at] == b'\r' { 4 } else { 2 };
            (&bytes[..end], &bytes[end..])
        }
        None => (bytes, &[][..]),
    };
    let mut out = String::new();
    for line in head.split_inclusive(|&b| b == b'\n').take(30) {
        out.push_str(&format!("\"{}\"\n", escape(line)));
    }
    if !body.is_empty() {
        let shown = &body[..body.len().min(240)];
        let cut = if shown.len() < body.len() { "…" } else { "" };
        out.push_str(&format!(
            "\"{}\"{cut} (body: {} bytes)",
            escape(shown),
            body.len()
        ));
    } else if head.ends_with(b"\n\n") {
        out.push_str("(no body)");
    }
    out.trim_end().to_string()
}

/// How a student sends this request by hand.
fn repro(server: &Server, request: &[u8]) -> String {
    let addr = server.addr();
    let text = String::from_utf8_lossy(request);
    let simple = text
        .strip_suffix("\r\n\r\n")
        .filter(|line| !line.contains("\r\n"));
    if let Some(line) = simple {
        let parts: Vec<&str> = line.split(' ').collect();
        if let [method @ ("GET" | "HEAD"), target, "HTTP/1.1"] = parts[..] {
            if target.starts_with('/') && target.bytes().all(|b| b.is_ascii_graphic()) {
                let flag = if method == "HEAD" { "-I" } else { "-v" };
                return format!("curl {flag} 'http://{addr}{target}'");
            }
        }
    }
    format!(
        "printf '{}' | nc {} {}",
        escape(request).replace('%', "%%").replace('\'', "\\047"),
        addr.ip(),
        addr.port()
    )
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(response: &[u8]) -> Response {
        Response::parse(
            response.to_vec(),
            b"GET / HTTP/1.1\r\n\r\n".to_vec(),
            Context::default(),
        )
    }

    const GOOD: &[u8] = b"HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
        Content-Type: text/html; charset=utf-8\r\nContent-Length: 6\r\nConnection: close\r\n\r\ncaf\xc3\xa9!";

    #[test]
    fn reads_a_well_formed_response() {
        let response = parse(GOOD);
        assert_eq!(response.status_line(), "HTTP/1.1 200 OK");
        assert_eq!(response.header("content-length"), Some("6"));
        assert_eq!(response.text(), "café!");
    }

    #[test]
    #[should_panic(expected = "does not end with `\\r\\n`")]
    fn rejects_a_bare_line_feed() {
        parse(b"HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n");
    }

    #[test]
    #[should_panic(expected = "it counts characters")]
    fn rejects_a_length_in_characters() {
        let response = String::from_utf8_lossy(GOOD).replace("Length: 6", "Length: 5");
        parse(response.as_bytes());
    }

    #[test]
    #[should_panic(expected = "is not `HTTP/1.1 <code> <reason>`")]
    fn rejects_an_http_1_0_status_line() {
        parse(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    }

    #[test]
    #[should_panic(expected = "is not `HTTP/1.1 <code> <reason>`")]
    fn rejects_a_status_line_without_a_reason() {
        parse(b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
    }

    #[test]
    #[should_panic(expected = "comes 2 times")]
    fn rejects_a_repeated_content_length() {
        parse(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n");
    }
}
