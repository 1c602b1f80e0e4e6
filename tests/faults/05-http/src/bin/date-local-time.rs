//! Fault: the `Date` header is the local time labelled GMT, as formatting
//! `chrono::Local::now()` with a literal ` GMT` gives on a machine in Paris
//! (UTC+1). The offset is pinned here so the mistake shows on a UTC test
//! machine too.
//!
//! replaces: http-server
//! rejected-by: step1_date_is_an_imf_fixdate_of_now

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Instant, SystemTime};

use clap::Parser;
use http_server::connection::{self, IDLE_LIMIT};
use http_server::response::{http_date, Response};
use http_server::{site, Args};

/// The response, stamped with the wall clock of UTC+1: the mistake.
fn bytes(response: &Response) -> Vec<u8> {
    let paris = SystemTime::now() + std::time::Duration::from_secs(3600);
    response.to_bytes(&http_date(paris))
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
