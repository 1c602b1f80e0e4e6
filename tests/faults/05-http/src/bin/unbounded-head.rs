//! Fault: the server reads until the blank line with no limit: a 16 KiB
//! header is served (and a 16 GiB one would take the memory).
//!
//! replaces: http-server
//! rejected-by: step5_a_16_kib_header_gets_431

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::SystemTime;

use clap::Parser;
use http_server::request::Request;
use http_server::response::{http_date, Response};
use http_server::{connection, site, Args};

fn handle(mut stream: TcpStream) {
    let Some(head) = read_until_blank_line(&mut stream) else {
        return;
    };
    let response = match Request::parse(&head) {
        Ok(request) => site::route(&request),
        Err(status) => Response::error(status),
    };
    let _ = stream.write_all(&response.to_bytes(&http_date(SystemTime::now())));
    connection::close(stream);
}

/// Reads until the blank line, with no limit: the mistake.
fn read_until_blank_line(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    Some(head)
}

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        thread::spawn(move || handle(stream));
    }
}
