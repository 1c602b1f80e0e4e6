//! Fault: the version is checked for its form (`HTTP/<d>.<d>`) but not its
//! major number, so an `HTTP/2.0` request is served as if it were 1.1.
//!
//! replaces: http-server
//! rejected-by: step3_http_2_gets_505

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Instant, SystemTime};

use clap::Parser;
use http_server::connection::IDLE_LIMIT;
use http_server::request::{read_head, Head, Request};
use http_server::response::{http_date, Response, Status};
use http_server::{connection, site, Args};

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

fn handle(mut stream: TcpStream) {
    let deadline = Instant::now() + IDLE_LIMIT;
    let Ok(Head::Complete(head)) = read_head(&mut stream, deadline) else {
        return;
    };
    let response = match parse(&head) {
        Ok(request) => site::route(&request),
        Err(status) => Response::error(status),
    };
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
