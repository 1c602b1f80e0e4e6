//! Fault: after its response the server half-closes and then reads until the
//! client closes, with no deadline: a client that stays connected (or keeps
//! sending) keeps its thread for ever.
//!
//! replaces: http-server
//! rejected-by: step6_a_client_that_stays_connected_after_its_response_is_let_go

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Instant, SystemTime};

use http_server::connection::{self, IDLE_LIMIT};
use http_server::response::http_date;
use http_server::site;
use http_server_faults::serve;

fn handle(mut stream: TcpStream) {
    let deadline = Instant::now() + IDLE_LIMIT;
    let Some(response) = connection::respond(&mut stream, deadline, site::route) else {
        return;
    };
    let date = http_date(SystemTime::now());
    if stream.write_all(&response.to_bytes(&date)).is_err() {
        return;
    }
    let _ = stream.shutdown(Shutdown::Write);
    // The mistake: drain until EOF, however long the client takes.
    let _ = stream.set_read_timeout(None);
    let mut discard = [0u8; 4096];
    while matches!(stream.read(&mut discard), Ok(n) if n > 0) {}
}

fn main() {
    serve(handle);
}
