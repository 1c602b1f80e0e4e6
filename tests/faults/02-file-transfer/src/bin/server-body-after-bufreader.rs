//! Fault: the server reads the header through a `BufReader`, then copies the
//! body from the `TcpStream` itself. The body bytes that arrived with the
//! header are in the reader's buffer, and are lost.
//!
//! replaces: file-server
//! rejected-by: step1_server_saves_an_upload

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
    // The mistake: `stream`, not `reader`: what the reader buffered is skipped.
    let copied = std::io::copy(&mut (&mut stream).take(size), &mut temp).unwrap_or(0);
    if copied < size {
        return reply(&mut stream, "ERR upload cut short");
    }
    if stream.read(&mut [0u8; 1]).unwrap_or(1) != 0 {
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
