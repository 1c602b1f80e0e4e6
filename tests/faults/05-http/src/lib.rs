//! What the faulty HTTP servers share with each other, so that each fault
//! file holds only its own mistake: the rest is the reference solution's.
//!
//! - [`listen`] and [`serve`]: the solution's `main`, binding and saying
//!   where, then a thread per connection;
//! - [`serve_site`]: the solution's server around another site (a routing
//!   mistake);
//! - [`serve_encoded`]: the solution's server, with another way of putting a
//!   response on the wire;
//! - [`serve_heads`]: the solution's server, with another way of reading or
//!   parsing the request head;
//! - [`answer`]: a response stamped with the date, sent, and the connection
//!   closed, as the solution's [`connection::handle`] ends.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Instant, SystemTime};

use clap::Parser;
use http_server::connection::{self, Site, IDLE_LIMIT};
use http_server::request::{self, Head, Request};
use http_server::response::{http_date, Response, Status};
use http_server::site;
use http_server::Args;

/// Binds `--host`:`--port` and prints `listening on ADDRESS`, as the
/// solution does.
pub fn listen() -> TcpListener {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    listener
}

/// The solution's accept loop: each connection handled on a thread of its
/// own.
pub fn serve(handle: impl Fn(TcpStream) + Copy + Send + 'static) {
    for stream in listen().incoming().flatten() {
        thread::spawn(move || handle(stream));
    }
}

/// The solution's server, answering with `site`.
pub fn serve_site(site: Site) {
    serve(move |stream| connection::handle(stream, site));
}

/// The solution's server, putting each response on the wire with `encode`.
pub fn serve_encoded(encode: fn(&Response) -> Vec<u8>) {
    serve(move |mut stream| {
        let deadline = Instant::now() + IDLE_LIMIT;
        if let Some(response) = connection::respond(&mut stream, deadline, site::route) {
            send(stream, &encode(&response));
        }
    });
}

/// How a server reads a request head off a connection.
pub type ReadHead = fn(&mut TcpStream) -> Head;

/// How a server parses a complete request head.
pub type Parse = fn(&[u8]) -> Result<Request<'_>, Status>;

/// The solution's server, reading each request head with `read` and parsing
/// it with `parse`: a complete head gets what the site makes of it (or the
/// error its parse earned), a head over the limit 431, and no head nothing.
pub fn serve_heads(read: ReadHead, parse: Parse) {
    serve(move |mut stream| {
        let response = match read(&mut stream) {
            Head::Complete(head) => match parse(&head) {
                Ok(request) => site::route(&request),
                Err(status) => Response::error(status),
            },
            Head::TooLarge => Response::error(Status::HEADER_FIELDS_TOO_LARGE),
            Head::Incomplete => return,
        };
        answer(stream, &response);
    });
}

/// The solution's way of reading a head: loop over reads until the blank
/// line, at most [`request::MAX_HEAD`] bytes, within [`IDLE_LIMIT`].
pub fn read_head(stream: &mut TcpStream) -> Head {
    let deadline = Instant::now() + IDLE_LIMIT;
    request::read_head(stream, deadline).unwrap_or(Head::Incomplete)
}

/// The solution's parse of a request line.
pub fn parse(head: &[u8]) -> Result<Request<'_>, Status> {
    Request::parse(head)
}

/// Sends `response`, stamped with the date of now, and closes the
/// connection.
pub fn answer(stream: TcpStream, response: &Response) {
    send(stream, &response.to_bytes(&http_date(SystemTime::now())));
}

/// Sends `bytes` and closes the connection as the solution does.
pub fn send(mut stream: TcpStream, bytes: &[u8]) {
    let _ = stream.set_write_timeout(Some(IDLE_LIMIT));
    if stream.write_all(bytes).is_ok() {
        connection::close(stream);
    }
}
