//! Fault: after its response the server waits on the same connection for a
//! next request (keep-alive), although it said `Connection: close`. A client
//! reading until the close waits for nothing.
//!
//! replaces: http-server
//! rejected-by: step1_every_response_has_the_four_headers

use std::io::Write;
use std::net::TcpStream;
use std::time::{Instant, SystemTime};

use http_server::connection::{self, IDLE_LIMIT};
use http_server::response::http_date;
use http_server::site;
use http_server_faults::serve;

fn handle(mut stream: TcpStream) {
    // The mistake: a loop over requests, where one request was promised.
    loop {
        let deadline = Instant::now() + IDLE_LIMIT;
        let Some(response) = connection::respond(&mut stream, deadline, site::route) else {
            return;
        };
        if stream
            .write_all(&response.to_bytes(&http_date(SystemTime::now())))
            .is_err()
        {
            return;
        }
    }
}

fn main() {
    serve(handle);
}
