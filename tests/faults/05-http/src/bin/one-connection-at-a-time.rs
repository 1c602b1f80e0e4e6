//! Fault: the server handles each connection in the accept loop, one at a
//! time. A client that connects and says nothing holds everyone else up until
//! its 10 s are over.
//!
//! replaces: http-server
//! rejected-by: step6_a_silent_client_does_not_hold_up_50_others

use std::net::TcpListener;

use clap::Parser;
use http_server::{connection, site, Args};

fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        // The mistake: no thread per connection.
        connection::handle(stream, site::route);
    }
}
