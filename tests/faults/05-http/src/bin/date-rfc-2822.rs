//! Fault: the `Date` header is RFC 2822 (`Sat, 21 Nov 2026 05:27:02 +0000`,
//! what `chrono`'s `to_rfc2822()` gives), not HTTP's IMF-fixdate (`… GMT`).
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

/// The response, with an e-mail date: the mistake.
fn bytes(response: &Response) -> Vec<u8> {
    let date = http_date(SystemTime::now()).replace(" GMT", " +0000");
    response.to_bytes(&date)
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
