//! Fault: the untouched stub, the lecture's bare server: one connection at a
//! time, one read, the same page for every request, and no `Date` or
//! `Connection` header. A copy of exercises/05-http/src/bin/http-server.rs as
//! shipped, kept here so it stays untouched when a student edits the stub.
//!
//! replaces: http-server
//! rejected-by: step1_every_response_has_the_four_headers

use std::io::{Read, Write};
use std::net::TcpListener;

use clap::Parser;

/// A small HTTP/1.1 server.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

const PAGE: &str = "<!DOCTYPE html>\n<html><body><h1>Hello from Rust!</h1></body></html>\n";

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).expect("bind");
    println!(
        "listening on {}",
        listener.local_addr().expect("local address")
    );

    // One connection at a time (README step 6).
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };

        // One read, and hope the whole request came in it (README step 5).
        let mut buffer = [0u8; 4096];
        let n = stream.read(&mut buffer).unwrap_or(0);
        let request = String::from_utf8_lossy(&buffer[..n]);
        eprintln!("{}", request.lines().next().unwrap_or(""));

        // The same page whatever was asked (README steps 2 to 4), and only
        // some of the headers a response needs (README step 1).
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{PAGE}",
            PAGE.len()
        );
        let _ = stream.write_all(response.as_bytes());
    }
}
