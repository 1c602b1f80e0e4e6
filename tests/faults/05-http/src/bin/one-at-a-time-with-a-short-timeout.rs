//! Fault: the server handles one connection at a time, and "fixes" the silent
//! client by giving every connection only 1 s: everyone else still waits
//! that second, and a slow client is dropped long before its 10 s.
//!
//! replaces: http-server
//! rejected-by: step6_a_silent_client_does_not_hold_up_50_others

use std::net::TcpStream;
use std::time::{Duration, Instant};

use http_server::{connection, site};
use http_server_faults::{answer, listen};

fn handle(mut stream: TcpStream) {
    // The mistake: a short deadline instead of a thread of its own.
    let deadline = Instant::now() + Duration::from_secs(1);
    if let Some(response) = connection::respond(&mut stream, deadline, site::route) {
        answer(stream, &response);
    }
}

fn main() {
    for stream in listen().incoming().flatten() {
        handle(stream);
    }
}
