//! Exercise 05, http: the tests of `http-server`.
//!
//! Each test is named after the README step it checks. Requests go over raw
//! TCP from the harness, sent at once, a byte at a time or in parts, and every
//! response is read strictly (`harness::http`): `\r\n` line ends, the exact
//! status line, `Content-Length` equal to the body in bytes, and the
//! connection closed after it. Then the tests check what this server's every
//! response carries: a `Date` of now in IMF-fixdate, `Content-Type`,
//! `Connection: close`, and an HTML page whose `<h1>` says what it is.

use std::time::{Duration, SystemTime};

use harness::http::{self, HttpConn, Response};
use harness::{program, step, Reply, Server, TcpConn};

fn start() -> Server {
    Server::start(program!("http-server"), &[])
}

/// `GET <target> HTTP/1.1`, with no headers (a `Host` is not required).
fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\n\r\n").into_bytes()
}

/// How far the `Date` header may be from the test's clock. The header has
/// whole seconds, and the response is read milliseconds after it was sent;
/// the margin is for a loaded machine, and an hour (a local time) is far out.
const DATE_SLACK: Duration = Duration::from_secs(5);

/// Fails the test unless `response` has the headers every response of this
/// server carries: a `Date` of now, the HTML `Content-Type` and
/// `Connection: close` (the strict reader has checked `Content-Length`).
#[track_caller]
fn expect_headers(response: &Response) {
    expect_date_of_now(response);
    response.expect_header("Content-Type", "text/html; charset=utf-8");
    response.expect_header("Connection", "close");
}

/// Fails the test unless the `Date` header is an IMF-fixdate (parsing it and
/// writing it out again gives the same text) within a few seconds of now.
#[track_caller]
fn expect_date_of_now(response: &Response) {
    let Some(date) = response.header("Date") else {
        response
            .failure("no Date header: every response says when it was made")
            .with(
                "expected",
                "Date: Sun, 06 Nov 1994 08:49:37 GMT (IMF-fixdate, in GMT)",
            )
            .raise()
    };
    let parsed = match httpdate::parse_http_date(date) {
        Ok(parsed) => parsed,
        Err(_) => response
            .failure(format!("Date `{date}` is not an HTTP date"))
            .with("expected", "IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT")
            .raise(),
    };
    let canonical = httpdate::fmt_http_date(parsed);
    if canonical != date {
        response
            .failure(format!(
                "Date `{date}` is an old HTTP date form, not IMF-fixdate"
            ))
            .got_vs_expected(date.as_bytes(), canonical.as_bytes())
            .raise();
    }
    let now = SystemTime::now();
    let skew = now
        .duration_since(parsed)
        .unwrap_or_else(|early| early.duration());
    if skew > DATE_SLACK {
        response
            .failure(format!(
                "Date `{date}` is {} s away from now ({}): is it the local time, labelled GMT?",
                skew.as_secs(),
                httpdate::fmt_http_date(now)
            ))
            .with(
                "hint",
                "HTTP dates are in UTC, whatever the server's time zone",
            )
            .raise();
    }
}

/// The text of the first `<h1 …>…</h1>` of the body, trimmed.
fn h1(body: &str) -> Option<&str> {
    let start = body.find("<h1")?;
    let open_end = start + body[start..].find('>')? + 1;
    let close = open_end + body[open_end..].find("</h1>")?;
    Some(body[open_end..close].trim())
}

/// Fails the test unless `response` is `status_line`, with the headers every
/// response carries, and a page whose `<h1>` is `title`.
#[track_caller]
fn expect_page(response: &Response, status_line: &str, title: &str) {
    response.expect_status_line(status_line);
    expect_headers(response);
    match h1(response.text()) {
        Some(found) if found == title => {}
        Some(found) => response
            .failure(format!("the page's <h1> is `{found}`, expected `{title}`"))
            .raise(),
        None => response
            .failure(format!(
                "the page has no <h1>…</h1>, expected <h1>{title}</h1>"
            ))
            .raise(),
    }
}

// ---------------------------------------------------------------- step 1

#[test]
fn step1_every_response_has_the_four_headers() {
    step(1, "every response: HTTP/1.1 status line, Date, Content-Type, Content-Length in bytes, Connection: close");
    let server = start();
    let response = http::exchange(&server, &get("/"));
    response.expect_status_line("HTTP/1.1 200 OK");
    expect_headers(&response);
}

#[test]
fn step1_date_is_an_imf_fixdate_of_now() {
    step(
        1,
        "the Date header is the time of the response, in IMF-fixdate, in GMT",
    );
    let server = start();
    // A request with the headers a browser sends: they change nothing.
    let request =
        b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: ipc-kit\r\nAccept: text/html\r\n\r\n";
    let response = http::exchange(&server, request);
    expect_date_of_now(&response);
}

// ---------------------------------------------------------------- step 2

#[test]
fn step2_serves_home_about_and_contact() {
    step(
        2,
        "GET /, /about and /contact answer 200 OK with their own page (<h1> Home, About, Contact)",
    );
    let server = start();
    for (path, title) in [("/", "Home"), ("/about", "About"), ("/contact", "Contact")] {
        let response = http::exchange(&server, &get(path));
        expect_page(&response, "HTTP/1.1 200 OK", title);
    }
}

#[test]
fn step2_unknown_paths_get_404() {
    step(
        2,
        "any other path answers 404 Not Found, with a page whose <h1> is `404 Not Found`",
    );
    let server = start();
    for path in [
        "/nope",
        "/about/team",
        "/aboutus",
        "/index.html",
        "/Contact",
    ] {
        let response = http::exchange(&server, &get(path));
        expect_page(&response, "HTTP/1.1 404 Not Found", "404 Not Found");
    }
}

#[test]
fn step2_query_strings_are_ignored() {
    step(
        2,
        "routes look at the path only: a query string after `?` is ignored",
    );
    let server = start();
    for (target, status_line, title) in [
        ("/about?lang=en", "HTTP/1.1 200 OK", "About"),
        ("/?utm_source=lecture", "HTTP/1.1 200 OK", "Home"),
        ("/contact?a=1&b=2", "HTTP/1.1 200 OK", "Contact"),
        ("/nope?about", "HTTP/1.1 404 Not Found", "404 Not Found"),
    ] {
        let response = http::exchange(&server, &get(target));
        expect_page(&response, status_line, title);
    }
}

// ---------------------------------------------------------------- step 3

#[test]
fn step3_garbage_gets_400() {
    step(
        3,
        "a request line that is not `METHOD SP /TARGET SP HTTP/d.d` gets 400 Bad Request",
    );
    let mut server = start();
    let garbage: [&[u8]; 9] = [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\n\r\n",
        b"GET about HTTP/1.1\r\n\r\n",
        b"GET / FTP/1.1\r\n\r\n",
        b"GET / HTTP/1\r\n\r\n",
        b"GET / HTTP/one.one\r\n\r\n",
        // the first bytes of a TLS handshake: someone tried https://
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ];
    for request in garbage {
        let response = http::exchange(&server, request);
        expect_page(&response, "HTTP/1.1 400 Bad Request", "400 Bad Request");
    }
    server.expect_alive("garbage requests");
    let response = http::exchange(&server, &get("/about"));
    expect_page(&response, "HTTP/1.1 200 OK", "About");
}

#[test]
fn step3_http_2_gets_505() {
    step(3, "a version HTTP/<d>.<d> with a major version other than 1 gets 505 HTTP Version Not Supported");
    let server = start();
    for request in [b"GET / HTTP/2.0\r\n\r\n", b"GET / HTTP/3.0\r\n\r\n"] {
        let response = http::exchange(&server, request);
        expect_page(
            &response,
            "HTTP/1.1 505 HTTP Version Not Supported",
            "505 HTTP Version Not Supported",
        );
    }
}

#[test]
fn step3_http_1_0_is_served() {
    step(
        3,
        "HTTP/1.0 requests are served too (the response still says HTTP/1.1)",
    );
    let server = start();
    let response = http::exchange(&server, b"GET /about HTTP/1.0\r\n\r\n");
    expect_page(&response, "HTTP/1.1 200 OK", "About");
}

// ---------------------------------------------------------------- step 4

#[test]
fn step4_head_gets_the_get_headers_without_a_body() {
    step(
        4,
        "HEAD answers the same status and headers as GET (Content-Length too), without a body",
    );
    let server = start();
    for (path, status_line) in [
        ("/about", "HTTP/1.1 200 OK"),
        ("/nope", "HTTP/1.1 404 Not Found"),
    ] {
        let got = http::exchange(&server, &get(path));
        let head = http::exchange(&server, format!("HEAD {path} HTTP/1.1\r\n\r\n").as_bytes());
        head.expect_status_line(status_line);
        expect_headers(&head);
        // The strict reader has checked that no body came.
        let (get_length, head_length) =
            (got.header("Content-Length"), head.header("Content-Length"));
        if head_length != get_length {
            head.failure(format!(
                "Content-Length {} for HEAD {path}, but {} for GET {path}: HEAD tells the length of \
                 the body GET would send",
                head_length.unwrap_or("(none)"),
                get_length.unwrap_or("(none)")
            ))
            .raise();
        }
    }
}

#[test]
fn step4_other_methods_get_405_with_allow() {
    step(4, "any method but GET and HEAD gets 405 Method Not Allowed with `Allow: GET, HEAD`, whatever the path");
    let server = start();
    let requests: [&[u8]; 4] = [
        b"POST / HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
        b"DELETE /nope HTTP/1.1\r\n\r\n",
        b"PUT /about HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        // methods are case-sensitive: `get` is not `GET`
        b"get / HTTP/1.1\r\n\r\n",
    ];
    for request in requests {
        let response = http::exchange(&server, request);
        expect_page(
            &response,
            "HTTP/1.1 405 Method Not Allowed",
            "405 Method Not Allowed",
        );
        response.expect_header("Allow", "GET, HEAD");
    }
}

// ---------------------------------------------------------------- step 5

#[test]
fn step5_request_sent_one_byte_at_a_time_is_served() {
    step(
        5,
        "read until the blank line, however many reads it takes: here one byte per TCP segment",
    );
    let server = start();
    let request = b"GET /contact HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ipc-kit\r\n\r\n";
    let mut conn = HttpConn::open(&server, request);
    conn.send_byte_by_byte();
    expect_page(&conn.response(), "HTTP/1.1 200 OK", "Contact");
}

#[test]
fn step5_request_split_by_a_pause_is_served() {
    step(
        5,
        "read until the blank line: a request line may arrive in two parts, 200 ms apart",
    );
    let server = start();
    let request = b"GET /about HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let (first, rest) = request.split_at(b"GET /ab".len());
    let repro = format!(
        "(printf 'GET /ab'; sleep 0.2; printf 'out HTTP/1.1\\r\\n\\r\\n') | nc {} {}",
        server.addr().ip(),
        server.addr().port()
    );
    let mut conn = HttpConn::open_with_repro(&server, request, &repro);
    conn.send(first);
    conn.expect_no_answer_during(Duration::from_millis(200)); // injected delay: the pause mid request line
    conn.send(rest);
    expect_page(&conn.response(), "HTTP/1.1 200 OK", "About");
}

#[test]
fn step5_a_7_kib_head_is_served() {
    step(5, "a head of up to 8 KiB is served (browsers send big cookies): one 4 KiB buffer is not enough");
    let server = start();
    let cookie = "c".repeat(7 * 1024);
    let request = format!("GET /about HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n");
    let repro = format!(
        "curl -v -H \"Cookie: $(head -c 7168 /dev/zero | tr '\\0' c)\" http://{}/about",
        server.addr()
    );
    let mut conn = HttpConn::open_with_repro(&server, request.as_bytes(), &repro);
    conn.send(request.as_bytes());
    expect_page(&conn.response(), "HTTP/1.1 200 OK", "About");
}

#[test]
fn step5_a_16_kib_header_gets_431() {
    step(5, "a head longer than 8 KiB gets 431 Request Header Fields Too Large: the server never buffers without bound");
    let mut server = start();
    let big = "b".repeat(16 * 1024);
    let request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {big}\r\n\r\n");
    let repro = format!(
        "curl -v -H \"X-Big: $(head -c 16384 /dev/zero | tr '\\0' b)\" http://{}/",
        server.addr()
    );
    let mut conn = HttpConn::open_with_repro(&server, request.as_bytes(), &repro);
    conn.send(request.as_bytes());
    expect_page(
        &conn.response(),
        "HTTP/1.1 431 Request Header Fields Too Large",
        "431 Request Header Fields Too Large",
    );
    server.expect_alive("a 16 KiB header");
}

/// A `GET /` whose head is exactly `len` bytes, the blank line included.
fn head_of(len: usize) -> Vec<u8> {
    let frame = "GET / HTTP/1.1\r\nX-Pad: \r\n\r\n".len();
    format!(
        "GET / HTTP/1.1\r\nX-Pad: {}\r\n\r\n",
        "p".repeat(len - frame)
    )
    .into_bytes()
}

#[test]
fn step5_a_head_of_exactly_8192_bytes_is_served_and_8193_gets_431() {
    step(
        5,
        "a head is at most 8192 bytes, the blank line included: 8192 is served, 8193 gets 431",
    );
    let server = start();
    for (len, status_line, title) in [
        (8192, "HTTP/1.1 200 OK", "Home"),
        (
            8193,
            "HTTP/1.1 431 Request Header Fields Too Large",
            "431 Request Header Fields Too Large",
        ),
    ] {
        let request = head_of(len);
        let repro = format!(
            "curl -v -H \"X-Pad: $(head -c {} /dev/zero | tr '\\0' p)\" http://{}/    # not the same bytes: curl adds headers",
            len - 40,
            server.addr()
        );
        let mut conn = HttpConn::open_with_repro(&server, &request, &repro);
        conn.hint(&format!(
            "the head is {len} bytes from `GET` to the end of its blank line `\\r\\n\\r\\n`: count \
             the blank line in, and compare with `>` 8192 (not `>=`), wherever the reads happen to end"
        ));
        conn.send(&request);
        expect_page(&conn.response(), status_line, title);
    }
}

#[test]
fn step5_a_16_kib_header_in_uneven_pieces_gets_431() {
    step(5, "a head longer than 8 KiB gets 431, however the reads fall: here 100 bytes, a pause, then the rest");
    let server = start();
    let big = "b".repeat(16 * 1024);
    let request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {big}\r\n\r\n");
    let (first, rest) = request.as_bytes().split_at(100);
    let repro = format!(
        "(head -c 100 big-request; sleep 0.2; tail -c +101 big-request) | nc {} {}    # big-request: a 16 KiB header",
        server.addr().ip(),
        server.addr().port()
    );
    let mut conn = HttpConn::open_with_repro(&server, request.as_bytes(), &repro);
    conn.hint(
        "after the pause the reads no longer end at a multiple of your buffer: the limit must be \
         `more than 8192 bytes held`, not `exactly 8192`",
    );
    conn.send(first);
    conn.expect_no_answer_during(Duration::from_millis(200)); // injected delay: the pause that shifts every later read
    conn.send(rest);
    expect_page(
        &conn.response(),
        "HTTP/1.1 431 Request Header Fields Too Large",
        "431 Request Header Fields Too Large",
    );
}

// ---------------------------------------------------------------- step 6

#[test]
fn step6_a_silent_client_does_not_hold_up_50_others() {
    step(6, "while one client holds a connection open, silent after the first bytes of its request, 50 others are served (a thread per connection)");
    let server = start();
    // Connected first, and its first bytes sent, so a server that serves one
    // connection at a time takes it first, and waits on it for the rest. (The
    // bytes matter: a server may ask the kernel, with TCP_DEFER_ACCEPT, to
    // hand over only connections that have sent something, and would never
    // see a client that sent nothing; a stalled request it must see.)
    let mut silent = TcpConn::to(&server, "nc {addr}");
    silent.send(b"GET / HT");
    let repro = format!(
        "nc {} {}    # type `GET / HT` and stop there; then, in a third terminal: curl -v http://{}/",
        server.addr().ip(),
        server.addr().port(),
        server.addr()
    );
    let pages = [("/", "Home"), ("/about", "About"), ("/contact", "Contact")];
    // All 50 connected and sent before any response is read.
    let mut conns = Vec::new();
    for i in 0..50 {
        let (path, _) = pages[i % 3];
        let mut conn = HttpConn::open_with_repro(&server, &get(path), &repro);
        conn.hint(&format!(
            "client {} of 50, while another connection stays open, its request half sent: a server that \
             serves one connection at a time is still waiting for the rest of that one's request",
            i + 1
        ));
        conn.send(&get(path));
        conns.push(conn);
    }
    for (i, conn) in conns.into_iter().enumerate() {
        let (_, title) = pages[i % 3];
        expect_page(&conn.response(), "HTTP/1.1 200 OK", title);
    }
    // And not by giving up on the silent client early: it has 10 s, and is
    // still connected, with nothing said to it.
    silent.set_patience(Duration::from_millis(100));
    match silent.read_to_close() {
        Reply::NoResponse(partial) if partial.is_empty() => {}
        Reply::Closed(_) => silent
            .failure(
                "the silent client's connection was closed while the 50 others were served, \
                 well before its 10 s were up: were the others served only once it was dropped?",
            )
            .raise(),
        _ => silent
            .failure("the silent client got an answer, though its request was never finished")
            .raise(),
    }
}

#[test]
fn step6_a_client_that_stays_connected_after_its_response_is_let_go() {
    step(6, "one request, its response, then the server closes the connection: a client that stays connected does not keep its thread");
    let server = start();
    let repro = format!(
        "nc {} {}    # type `GET / HTTP/1.1`, Enter twice, then keep typing: the server must hang up",
        server.addr().ip(),
        server.addr().port()
    );
    let mut conn = HttpConn::open_with_repro(&server, &get("/"), &repro);
    conn.send(&get("/"));
    let response = conn.response_then_let_go_within(Duration::from_secs(1));
    expect_page(&response, "HTTP/1.1 200 OK", "Home");
}

// ---------------------------------------------------------------- step 7

#[test]
fn step7_an_http_client_library_fetches_about() {
    step(7, "a real HTTP client (the ureq crate) fetches /about");
    let server = start();
    let url = format!("http://{}/about", server.addr());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(harness::PATIENCE))
        .build()
        .into();
    let context = server.context_with(&format!("curl -v {url}"));
    let fail =
        |headline: String| -> ! { harness::Failure::new(headline).context(&context).raise() };
    let mut response = match agent.get(&url).call() {
        Ok(response) => response,
        Err(err) => fail(format!("ureq could not fetch {url}: {err}")),
    };
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    if content_type != Some("text/html; charset=utf-8") {
        fail(format!(
            "ureq got Content-Type {content_type:?}, expected `text/html; charset=utf-8`"
        ));
    }
    let body = match response.body_mut().read_to_string() {
        Ok(body) => body,
        Err(err) => fail(format!("ureq could not read the body of {url}: {err}")),
    };
    if h1(&body) != Some("About") {
        fail(format!(
            "ureq got a page whose <h1> is {:?}, expected `About`:\n{body}",
            h1(&body)
        ));
    }
}
