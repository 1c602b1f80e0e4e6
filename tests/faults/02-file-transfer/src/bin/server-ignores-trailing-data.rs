//! Fault: the server stops reading after `size` bytes and answers `OK`
//! without waiting for EOF. Bytes beyond the announced size go unnoticed: the
//! client and the server disagree about the file, and nobody knows.
//!
//! replaces: file-server
//! rejected-by: step6_trailing_data_is_refused

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::thread;

use clap::Parser;
use file_transfer::{check_name, parse_size, read_line, Line, ServerArgs, MAX_LINE};

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
    let name = match read_line(&mut reader, MAX_LINE) {
        Ok(Line::Complete(name)) => String::from_utf8(name).unwrap_or_default(),
        _ => return reply(&mut stream, "ERR invalid header"),
    };
    if !check_name(&name) {
        return reply(&mut stream, "ERR invalid file name");
    }
    let size = match read_line(&mut reader, MAX_LINE) {
        Ok(Line::Complete(size)) => match parse_size(&size) {
            Some(size) => size,
            None => return reply(&mut stream, "ERR invalid header"),
        },
        _ => return reply(&mut stream, "ERR invalid header"),
    };
    let Ok(mut temp) = tempfile::NamedTempFile::new_in(dir) else {
        return reply(&mut stream, "ERR cannot save the file");
    };
    let copied = std::io::copy(&mut (&mut reader).take(size), &mut temp).unwrap_or(0);
    if copied < size {
        return reply(&mut stream, "ERR upload cut short");
    }
    // The mistake: no check that EOF follows the body.
    match temp.persist(dir.join(&name)) {
        Ok(_) => reply(&mut stream, &format!("OK {size}")),
        Err(_) => reply(&mut stream, "ERR cannot save the file"),
    }
}

fn reply(stream: &mut TcpStream, line: &str) {
    let _ = stream.write_all(format!("{line}\n").as_bytes());
}
