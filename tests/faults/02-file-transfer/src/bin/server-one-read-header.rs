//! Fault: the server takes one `read` for the whole header, as if TCP kept
//! message boundaries. A header that arrives in pieces is cut where the first
//! read ended.
//!
//! replaces: file-server
//! rejected-by: step1_server_reads_a_header_sent_in_pieces

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::thread;

use clap::Parser;
use file_transfer::{check_name, parse_size, ServerArgs};

fn main() {
    let args = ServerArgs::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        let dir = args.dir.clone();
        thread::spawn(move || serve(stream, &dir));
    }
}

fn serve(mut stream: TcpStream, dir: &Path) {
    let mut buffer = [0u8; 4096];
    let n = stream.read(&mut buffer).unwrap_or(0);
    // The mistake: whatever this one read returned is taken as the header.
    let mut parts = buffer[..n].splitn(3, |&b| b == b'\n');
    let (Some(name), Some(size), Some(start)) = (parts.next(), parts.next(), parts.next()) else {
        let _ = stream.write_all(b"ERR invalid header\n");
        return;
    };
    let name = String::from_utf8_lossy(name).into_owned();
    let (true, Some(size)) = (check_name(&name), parse_size(size)) else {
        let _ = stream.write_all(b"ERR invalid header\n");
        return;
    };
    let mut body = start.to_vec();
    let _ = (&mut stream)
        .take(size - body.len() as u64)
        .read_to_end(&mut body);
    if body.len() as u64 == size {
        let mut temp = tempfile::NamedTempFile::new_in(dir).unwrap();
        temp.write_all(&body).unwrap();
        temp.persist(dir.join(&name)).unwrap();
        let _ = stream.write_all(format!("OK {size}\n").as_bytes());
    }
}
