//! Fault: the server serves one connection at a time, in its accept loop. A
//! client that trickles its bytes holds every other client until it is done.
//!
//! replaces: file-server
//! rejected-by: step8_trickling_client_does_not_delay_others

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

use clap::Parser;
use file_transfer::{check_name, parse_size, read_line, Line, ServerArgs, MAX_LINE};

fn main() {
    let args = ServerArgs::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        // The mistake: no thread per connection.
        serve(stream, &args.dir);
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
