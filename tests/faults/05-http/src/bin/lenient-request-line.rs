//! Fault: the request line is split on whitespace and missing parts are
//! filled in (`GET /` taken as `GET / HTTP/1.1`, `GARBAGE` as `GARBAGE /`):
//! garbage is served instead of refused with 400.
//!
//! replaces: http-server
//! rejected-by: step3_garbage_gets_400

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Instant, SystemTime};

use clap::Parser;
use http_server::connection::IDLE_LIMIT;
use http_server::request::{read_head, Head, Request};
use http_server::response::http_date;
use http_server::{connection, site, Args};

/// The lenient parse: the mistake.
fn parse(head: &[u8]) -> Request<'_> {
    let line = std::str::from_utf8(head)
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("");
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("GET");
    let target = parts.next().unwrap_or("/");
    Request {
        method,
        target,
        version: (1, 1),
    }
}

fn handle(mut stream: TcpStream) {
    let deadline = Instant::now() + IDLE_LIMIT;
    let Ok(Head::Complete(head)) = read_head(&mut stream, deadline) else {
        return;
    };
    let response = site::route(&parse(&head));
    let _ = stream.write_all(&response.to_bytes(&http_date(SystemTime::now())));
    connection::close(stream);
}

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        thread::spawn(move || handle(stream));
    }
}
