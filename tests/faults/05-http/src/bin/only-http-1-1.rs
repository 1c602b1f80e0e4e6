//! Fault: only `HTTP/1.1` is served; an `HTTP/1.0` request gets a 505.
//!
//! replaces: http-server
//! rejected-by: step3_http_1_0_is_served

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::{connection, site, Args};

/// Versions compared to 1.1 exactly: the mistake.
fn route(request: &Request) -> Response {
    if request.version != (1, 1) {
        return Response::error(Status::HTTP_VERSION_NOT_SUPPORTED);
    }
    site::route(request)
}

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        thread::spawn(move || connection::handle(stream, route));
    }
}
