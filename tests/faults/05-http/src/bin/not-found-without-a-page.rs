//! Fault: a 404 comes with an empty body (`Content-Length: 0`): the browser
//! shows a blank page instead of saying what went wrong.
//!
//! replaces: http-server
//! rejected-by: step2_unknown_paths_get_404

use std::net::TcpListener;
use std::thread;

use clap::Parser;
use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::{connection, site, Args};

/// A 404 without a page: the mistake.
fn route(request: &Request) -> Response {
    let response = site::route(request);
    if response.status == Status::NOT_FOUND {
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
