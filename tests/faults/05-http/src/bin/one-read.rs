//! Fault: the server reads the request with one `read` of 4096 bytes and takes
//! whatever came for the whole request. When the request line arrives in two
//! parts, it answers the first part (here, 400 for `GET /ab`).
//!
//! replaces: http-server
//! rejected-by: step5_request_split_by_a_pause_is_served

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::SystemTime;

use clap::Parser;
use http_server::request::Request;
use http_server::response::{http_date, Response};
use http_server::{connection, site, Args};

fn handle(mut stream: TcpStream) {
    let mut buffer = [0u8; 4096];
    let Ok(n) = stream.read(&mut buffer) else {
        return;
    };
    // The mistake: one read is not a request. Whatever came is parsed as if
    // the blank line had come too.
    let mut head = buffer[..n].to_vec();
    head.extend_from_slice(b"\r\n\r\n");
    let response = match Request::parse(&head) {
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
