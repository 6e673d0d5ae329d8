// mocks/policy_host/http_wire.hpp
//
// The few HTTP/1.1 helpers the mock HTTPS policy host and the mock CONNECT proxy share:
// a response header built by Boost.Beast and written as bytes (the mocks write bodies
// themselves, since slow, chunked, padded and endless bodies are faults Beast's serializer
// has no notion of), the fields of a parsed request as plain data, and their escaped form
// for a transcript line.
//
// Internal: it includes Beast, so only the two heavy .cpp files (policy_host.cpp,
// connect_proxy.cpp) include it; public headers never do.
#pragma once

#include "engine/core/peer_text.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/policy_host/policy_site.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include <sstream>
#include <string>
#include <vector>

namespace sts::mocks::http_wire {

namespace http = boost::beast::http;

inline std::string text_of(boost::beast::string_view v) {
    return std::string(v.data(), v.size());
}

// The configured phrase, else the standard one, else "Unknown" for codes without one.
inline std::string reason_for(unsigned status, const std::string& configured) {
    if (!configured.empty()) return configured;
    const auto known = http::int_to_status(status);
    if (known == http::status::unknown) return "Unknown";
    return text_of(http::obsolete_reason(known));
}

// An HTTP/1.1 status line; the caller adds the fields and the framing (content_length,
// chunked, keep_alive), whose bytes the mock then writes itself.
using response_head = http::response<http::empty_body>;

inline response_head make_header(unsigned status, const std::string& reason = {}) {
    response_head h;
    h.version(11);
    h.result(status);
    h.reason(reason_for(status, reason));
    return h;
}

// The status line and fields as Beast writes them, ending with the empty line.
inline std::string wire_header(const response_head& head) {
    std::ostringstream out;
    out << head.base();
    return out.str();
}

template <class Fields>
std::vector<http_field> fields_of(const Fields& fields) {
    std::vector<http_field> out;
    for (const auto& f : fields) out.push_back({text_of(f.name_string()), text_of(f.value())});
    return out;
}

// `"Name: value" "Name: value" ...`, escaped, so a header cannot forge a transcript field.
inline std::string quoted_fields(const std::vector<http_field>& fields) {
    std::string out;
    for (const auto& f : fields) {
        out += fmt::format("{}\"{}: {}\"", out.empty() ? "" : " ", core::quote_peer_text(f.name),
                           core::quote_peer_text(f.value));
    }
    return out;
}

// A request Beast could not parse (as opposed to a stream that ended or failed).
inline bool is_parse_error(const boost::system::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace sts::mocks::http_wire
