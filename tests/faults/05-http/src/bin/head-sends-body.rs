//! Fault: HEAD is served like GET, body and all.
//!
//! replaces: http-server
//! rejected-by: step4_head_gets_the_get_headers_without_a_body

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::Response;
use http_server::{connection, site, Args};

/// HEAD taken for GET: the mistake.
fn route(request: &Request) -> Response {
    if request.method == "HEAD" {
        return site::route(&Request {
            method: "GET",
            ..*request
        });
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
