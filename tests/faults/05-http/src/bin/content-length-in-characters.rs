//! Fault: `Content-Length` counts characters (`body.chars().count()`), not
//! bytes. On a page with `—`, `·` or `é` (two or three bytes each in UTF-8) it
//! says less than what follows, and a client cuts the page short.
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

/// The response, with the length in characters: the mistake.
fn bytes(response: &Response) -> Vec<u8> {
    let right = response.to_bytes(&http_date(SystemTime::now()));
    let text = String::from_utf8(right).unwrap();
    let wrong = format!("Content-Length: {}\r\n", response.body.chars().count());
    let right = format!("Content-Length: {}\r\n", response.body.len());
    text.replace(&right, &wrong).into_bytes()
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
