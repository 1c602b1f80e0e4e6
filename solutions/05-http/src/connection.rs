//! One connection, from accept to close: read the request head, answer it,
//! close. One request per connection (`Connection: close`) keeps the server
//! simple: no keep-alive, no pipelining, no chunked bodies.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant, SystemTime};

use crate::request::{read_head, Head, Request};
use crate::response::{http_date, Response, Status};

/// How long a client has, from the moment it is accepted, to send its whole
/// request head. Without it, every client that connects and says nothing
/// holds a thread for ever.
pub const IDLE_LIMIT: Duration = Duration::from_secs(10);

/// How long the server keeps reading what a client still sends after the
/// response, before it closes (see [`close`]).
const LINGER: Duration = Duration::from_secs(1);

/// What the server serves: a function from a parsed request to its response,
/// [`crate::site::route`] for this server.
pub type Site = fn(&Request) -> Response;

/// Serves one connection: reads the request, answers it, closes. Runs on a
/// thread of its own.
pub fn handle(mut stream: TcpStream, site: Site) {
    let deadline = Instant::now() + IDLE_LIMIT;
    let Some(response) = respond(&mut stream, deadline, site) else {
        return;
    };
    // A response is a few KiB, which the socket buffer takes at once; the
    // timeout only guards against a client that stopped reading long ago.
    let _ = stream.set_write_timeout(Some(IDLE_LIMIT));
    if let Err(err) = stream.write_all(&response.to_bytes(&http_date(SystemTime::now()))) {
        return eprintln!("write failed: {err}");
    }
    // A refused request (a 4xx or 5xx) may have left input unread: a body
    // we did not want, the rest of a head over the limit. So may a served
    // one whose client sent more than its head. Only then is the careful
    // [`close`] needed; otherwise dropping the stream closes it with a
    // normal FIN at once, and the thread is free for the next client without
    // waiting a round trip for the client's FIN (nginx decides the same way).
    if response.status.code >= 400 || has_unread_input(&stream) {
        close(stream);
    }
}

/// Whether input is already waiting on the socket, unread: a look at the
/// receive buffer that does not wait (and does not consume it).
fn has_unread_input(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true; // we cannot tell: be careful
    }
    matches!(stream.peek(&mut [0u8; 1]), Ok(n) if n > 0)
}

/// Reads the request head (until `deadline`) and makes the response: what
/// `site` makes of the request, or the error the request earned. `None` when
/// no complete request came: the client went away or stayed silent too long,
/// and there is nobody to answer. Logs one line per request on stderr.
pub fn respond(stream: &mut TcpStream, deadline: Instant, site: Site) -> Option<Response> {
    let peer = stream
        .peer_addr()
        .map_or("?".to_string(), |addr| addr.to_string());
    let (line, response) = match read_head(stream, deadline) {
        Ok(Head::Complete(head)) => {
            let line =
                String::from_utf8_lossy(head.split(|&b| b == b'\r').next().unwrap_or_default());
            let response = match Request::parse(&head) {
                Ok(request) => site(&request),
                Err(status) => Response::error(status),
            };
            (line.into_owned(), response)
        }
        Ok(Head::TooLarge) => (
            "(head over the limit)".into(),
            Response::error(Status::HEADER_FIELDS_TOO_LARGE),
        ),
        Ok(Head::Incomplete) => {
            eprintln!("{peer}: no complete request, closing");
            return None;
        }
        Err(err) => {
            eprintln!("{peer}: read failed: {err}");
            return None;
        }
    };
    log(&format!("{peer} \"{line}\" {}\n", response.status.code));
    Some(response)
}

/// Writes one log line to stderr in a single `write`.
///
/// `eprintln!` would do too, but stderr is unbuffered: `eprintln!` makes one
/// `write` for each piece of its format (here six per request), each under
/// the lock all the threads share, so under load the threads queue for it.
/// Formatting first, then writing once, takes the lock once.
fn log(line: &str) {
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Closes the connection without destroying the response on the way.
///
/// Closing a socket that still holds unread input (a head over the limit, a
/// body this server ignores) makes the kernel send a reset instead of a
/// normal close, and a client that gets the reset before it has read the
/// response may never see it. So: half-close first (our FIN follows the
/// response), then read and discard until the client closes its side, for at
/// most [`LINGER`].
pub fn close(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + LINGER;
    let mut discard = [0u8; 4096];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut discard) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}
