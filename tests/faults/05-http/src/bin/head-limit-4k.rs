//! Fault: the request head goes into one 4096-byte buffer, filled by a loop
//! of reads: a head over 4 KiB (big cookies) gets 431, though the limit is
//! 8 KiB.
//!
//! replaces: http-server
//! rejected-by: step5_a_7_kib_head_is_served

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::SystemTime;

use clap::Parser;
use http_server::request::Request;
use http_server::response::{http_date, Response, Status};
use http_server::{connection, site, Args};

/// Reads the head into a 4 KiB buffer: the mistake.
fn read_head_4k(stream: &mut TcpStream) -> Option<Result<Vec<u8>, Status>> {
    let mut buffer = [0u8; 4096];
    let mut len = 0;
    while !buffer[..len].windows(4).any(|w| w == b"\r\n\r\n") {
        if len == buffer.len() {
            return Some(Err(Status::HEADER_FIELDS_TOO_LARGE));
        }
        match stream.read(&mut buffer[len..]) {
            Ok(0) | Err(_) => return None,
            Ok(n) => len += n,
        }
    }
    Some(Ok(buffer[..len].to_vec()))
}

fn handle(mut stream: TcpStream) {
    let response = match read_head_4k(&mut stream) {
        None => return,
        Some(Err(status)) => Response::error(status),
        Some(Ok(head)) => match Request::parse(&head) {
            Ok(request) => site::route(&request),
            Err(status) => Response::error(status),
        },
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
