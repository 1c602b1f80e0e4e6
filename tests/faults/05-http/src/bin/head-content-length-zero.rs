//! Fault: the answer to HEAD says `Content-Length: 0`, because no body
//! follows. It must say what GET would send.
//!
//! replaces: http-server
//! rejected-by: step4_head_gets_the_get_headers_without_a_body

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::Response;
use http_server::{connection, site, Args};

/// HEAD with the length of the body it does not send: the mistake.
fn route(request: &Request) -> Response {
    let response = site::route(request);
    if request.method == "HEAD" {
        return Response {
            body: String::new(),
            ..response
        };
    }
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
