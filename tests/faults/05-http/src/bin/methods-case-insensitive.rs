//! Fault: methods are compared case-insensitively, so `get /` is served. HTTP
//! methods are case-sensitive: `get` is an unknown method.
//!
//! replaces: http-server
//! rejected-by: step4_other_methods_get_405_with_allow

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::Response;
use http_server::{connection, site, Args};

/// The method upper-cased first: the mistake.
fn route(request: &Request) -> Response {
    let method = request.method.to_ascii_uppercase();
    let method = match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        _ => request.method,
    };
    site::route(&Request { method, ..*request })
}

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        thread::spawn(move || connection::handle(stream, route));
    }
}
