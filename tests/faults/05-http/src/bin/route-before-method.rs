//! Fault: the path is routed before the method is checked, so `DELETE /nope`
//! gets a 404 instead of a 405.
//!
//! replaces: http-server
//! rejected-by: step4_other_methods_get_405_with_allow

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::{connection, site, Args};

/// The route first, the method second: the mistake.
fn route(request: &Request) -> Response {
    if !matches!(request.path(), "/" | "/about" | "/contact") {
        return Response::error(Status::NOT_FOUND);
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
