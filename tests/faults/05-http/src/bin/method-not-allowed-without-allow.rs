//! Fault: the 405 has no `Allow` header, so the client cannot tell which
//! methods would work.
//!
//! replaces: http-server
//! rejected-by: step4_other_methods_get_405_with_allow

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::Response;
use http_server::{connection, site, Args};

/// A 405 without `Allow`: the mistake.
fn route(request: &Request) -> Response {
    let mut response = site::route(request);
    response.headers.retain(|(name, _)| *name != "Allow");
    response
}

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        thread::spawn(move || connection::handle(stream, route));
    }
}
