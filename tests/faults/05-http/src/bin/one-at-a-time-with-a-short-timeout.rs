//! Fault: the server handles one connection at a time, and "fixes" the silent
//! client by giving every connection only 1 s: everyone else still waits
//! that second, and a slow client is dropped long before its 10 s.
//!
//! replaces: http-server
//! rejected-by: step6_a_silent_client_does_not_hold_up_50_others

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant, SystemTime};

use clap::Parser;
use http_server::response::http_date;
use http_server::{connection, site, Args};

fn handle(mut stream: TcpStream) {
    // The mistake: a short deadline instead of a thread of its own.
    let deadline = Instant::now() + Duration::from_secs(1);
    let Some(response) = connection::respond(&mut stream, deadline, site::route) else {
        return;
    };
    let _ = stream.write_all(&response.to_bytes(&http_date(SystemTime::now())));
    connection::close(stream);
}

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        handle(stream);
    }
}
