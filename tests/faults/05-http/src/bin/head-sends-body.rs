//! Fault: HEAD is served like GET, body and all.
//!
//! replaces: http-server
//! rejected-by: step4_head_gets_the_get_headers_without_a_body

use http_server::request::Request;
use http_server::response::Response;
use http_server::site;
use http_server_faults::serve_site;

/// HEAD taken for GET: the mistake.
fn route(request: &Request) -> Response {
    if request.method == "HEAD" {
        return site::route(&Request {
            method: "GET",
            ..*request
        });
    }
    site::route(request)
}

fn main() {
    serve_site(route);
}
