//! Fault: the server reads the whole body into memory before writing it out.
//! Memory grows with the upload: a 64 MiB file takes 64 MiB of RAM, a 10 GiB
//! one takes the server down.
//!
//! replaces: file-server
//! rejected-by: step9_server_memory_stays_bounded

use std::io::{BufRead, BufReader, Read, Write};
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
    // The mistake: a Vec as big as the file.
    let mut body = Vec::new();
    let _ = (&mut reader).take(size).read_to_end(&mut body);
    if (body.len() as u64) < size {
        return reply(&mut stream, "ERR upload cut short");
    }
    if !matches!(reader.fill_buf(), Ok([])) {
        return reply(&mut stream, "ERR trailing data");
    }
    let Ok(mut temp) = tempfile::NamedTempFile::new_in(dir) else {
        return reply(&mut stream, "ERR cannot save the file");
    };
    if temp.write_all(&body).is_ok() && temp.persist(dir.join(&name)).is_ok() {
        reply(&mut stream, &format!("OK {size}"));
    } else {
        reply(&mut stream, "ERR cannot save the file");
    }
}

fn reply(stream: &mut TcpStream, line: &str) {
    let _ = stream.write_all(format!("{line}\n").as_bytes());
}
