//! Fault: the answer to HEAD says `Content-Length: 0`, because no body
//! follows. It must say what GET would send.
//!
//! replaces: http-server
//! rejected-by: step4_head_gets_the_get_headers_without_a_body

use http_server::request::Request;
use http_server::response::Response;
use http_server::site;
use http_server_faults::serve_site;

/// HEAD with the length of the body it does not send: the mistake.
fn route(request: &Request) -> Response {
    let mut response = site::route(request);
    if request.method == "HEAD" {
        response.body.clear();
    }
    response
}

fn main() {
    serve_site(route);
}
