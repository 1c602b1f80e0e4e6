//! Fault: routes match the whole target, query string included, so
//! `/about?lang=en` is a 404.
//!
//! replaces: http-server
//! rejected-by: step2_query_strings_are_ignored

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::{connection, site, Args};

/// The route of the whole target: the mistake.
fn route(request: &Request) -> Response {
    if request.target.contains('?') {
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
