//! Fault: the temporary file is named after the upload, `<name>.part`. For a
//! valid 255-byte name that is past the file system's limit, and the upload
//! fails.
//!
//! replaces: file-server
//! rejected-by: step5_server_accepts_any_valid_name

use std::fs::{self, File};
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
    // The mistake: a temporary name derived from the upload's name.
    let temp = dir.join(format!("{name}.part"));
    let Ok(mut file) = File::create(&temp) else {
        return reply(&mut stream, "ERR cannot save the file");
    };
    let copied = std::io::copy(&mut (&mut reader).take(size), &mut file).unwrap_or(0);
    if copied < size || !matches!(reader.fill_buf(), Ok([])) {
        let _ = fs::remove_file(&temp);
        return reply(&mut stream, "ERR upload cut short or trailing data");
    }
    match fs::rename(&temp, dir.join(&name)) {
        Ok(()) => reply(&mut stream, &format!("OK {size}")),
        Err(_) => reply(&mut stream, "ERR cannot save the file"),
    }
}

fn reply(stream: &mut TcpStream, line: &str) {
    let _ = stream.write_all(format!("{line}\n").as_bytes());
}
