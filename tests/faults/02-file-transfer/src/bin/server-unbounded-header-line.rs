//! Fault: the server reads header lines with `read_line` and no cap. A client
//! that never sends a `\n` makes it buffer without bound, and never answer.
//!
//! replaces: file-server
//! rejected-by: step7_server_refuses_bad_headers

use std::io::{BufRead, BufReader, Read, Write};
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
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    // The mistake: read_line keeps reading until a `\n` comes, however long.
    let (mut name, mut size) = (String::new(), String::new());
    if reader.read_line(&mut name).is_err() || reader.read_line(&mut size).is_err() {
        return reply(&mut stream, "ERR invalid header");
    }
    let name = name.trim_end_matches(['\n', '\r']).to_string();
    if !check_name(&name) {
        return reply(&mut stream, "ERR invalid file name");
    }
    let Some(size) = parse_size(size.trim_end_matches(['\n', '\r']).as_bytes()) else {
        return reply(&mut stream, "ERR invalid header");
    };
    let Ok(mut temp) = tempfile::NamedTempFile::new_in(dir) else {
        return reply(&mut stream, "ERR cannot save the file");
    };
    let copied = std::io::copy(&mut (&mut reader).take(size), &mut temp).unwrap_or(0);
    if copied < size {
        return reply(&mut stream, "ERR upload cut short");
    }
    if !matches!(reader.fill_buf(), Ok([])) {
        return reply(&mut stream, "ERR trailing data");
    }
    match temp.persist(dir.join(&name)) {
        Ok(_) => reply(&mut stream, &format!("OK {size}")),
        Err(_) => reply(&mut stream, "ERR cannot save the file"),
    }
}

fn reply(stream: &mut TcpStream, line: &str) {
    let _ = stream.write_all(format!("{line}\n").as_bytes());
}
