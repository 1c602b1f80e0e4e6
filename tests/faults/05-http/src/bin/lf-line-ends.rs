//! Fault: the response head ends its lines with `\n` alone, not `\r\n`.
//! Browsers and curl forgive it; HTTP does not allow it.
//!
//! replaces: http-server
//! rejected-by: step1_every_response_has_the_four_headers

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Instant, SystemTime};

use clap::Parser;
use http_server::connection::{self, IDLE_LIMIT};
use http_server::response::{http_date, Response};
use http_server::{site, Args};

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

fn handle(mut stream: TcpStream) {
    let deadline = Instant::now() + IDLE_LIMIT;
    let Some(response) = connection::respond(&mut stream, deadline, site::route) else {
        return;
    };
    let _ = stream.write_all(&bytes(&response));
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
