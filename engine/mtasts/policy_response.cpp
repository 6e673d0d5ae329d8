#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include "engine/mtasts/policy_response.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace sts::mtasts {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

using tlsrpt::failure_reason;

namespace {

std::string_view view_of(beast::string_view s) { return {s.data(), s.size()}; }

// A connection that delivers fixed bytes in pieces of at most `chunk_bytes` and then
// closes: what Beast's synchronous read needs to run the same parse loop the fetcher's
// asynchronous read runs on a TLS session.
class byte_source {
public:
    using executor_type = asio::any_io_executor;

    byte_source(std::string_view bytes, std::size_t chunk_bytes) : bytes_(bytes), chunk_bytes_(chunk_bytes) {}

    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
        ec = {};
        if (bytes_.empty()) {
            ec = asio::error::eof;
            return 0;
        }
        std::size_t limit = chunk_bytes_ == 0 ? bytes_.size() : std::min(chunk_bytes_, bytes_.size());
        std::size_t copied = 0;
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers) && limit > 0;
             ++it) {
            const asio::mutable_buffer b = *it;
            const std::size_t n = std::min(b.size(), limit);
            std::memcpy(b.data(), bytes_.data(), n);
            bytes_.remove_prefix(n);
            copied += n;
            limit -= n;
        }
        return copied;
    }

    // The stream concept asks for the throwing form too; the reads here only ever call the
    // form above, which reports the end as a value.
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers) {
        boost::system::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec) throw boost::system::system_error(ec);
        return n;
    }

private:
    std::string_view bytes_;
    std::size_t chunk_bytes_;
};

policy_response_head head_of(const http::response_parser<http::string_body>& parser) {
    const auto& head = parser.get();
    policy_response_head out;
    out.status = head.result_int();
    out.reason = std::string(view_of(head.reason()));
    out.content_type_fields = head.count(http::field::content_type);
    out.content_type = std::string(view_of(head[http::field::content_type]));
    out.location = std::string(view_of(head[http::field::location]));
    if (const auto length = parser.content_length()) out.content_length = *length;
    return out;
}

}  // namespace

// RFC 8461 §3.2 [STS-FETCH-11, STS-FETCH-12, STS-SEC-09]: the media type is text/plain,
// compared case-insensitively (RFC 9110 §8.3.1), with any parameters.
// interpretation (A4): parameters are ignored whatever they say, charsets other than
// utf-8 and us-ascii included (the policy grammar is ASCII either way), and a response
// without a Content-Type is refused, since the check exists to tell a policy file from
// other content at the well-known path.
bool is_text_plain(std::string_view content_type) {
    const auto semicolon = content_type.find(';');
    std::string_view type = content_type.substr(0, semicolon);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
    constexpr std::string_view wanted = "text/plain";
    return type.size() == wanted.size() &&
           std::equal(type.begin(), type.end(), wanted.begin(), [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
}

std::optional<policy_response_failure> check_policy_response_head(const policy_response_head& head,
                                                                  std::string_view host,
                                                                  std::size_t body_bytes_max) {
    const unsigned status = head.status;
    // RFC 8461 §3.3 [STS-FETCH-09, STS-SEC-10]: redirects are never followed. 304 is in
    // the 3xx class but redirects nowhere (RFC 9110 §15.4.5); it is just not a 200.
    if (status >= 300 && status <= 399 && status != 304) {
        return policy_response_failure{
            failure_reason::policy_http_redirect, fetch_failure_kind::http_status,
            head.location.empty() ? fmt::format("HTTP status {} (redirects are not followed)", status)
                                  : fmt::format("HTTP status {} to {} (redirects are not followed)", status,
                                                core::quote_peer_text(head.location))};
    }
    // RFC 8461 §3.3 [STS-FETCH-08]: only a 200 carries a policy.
    if (status != 200) {
        return policy_response_failure{failure_reason::policy_http_status_not_200, fetch_failure_kind::http_status,
                                       fmt::format("HTTP status {} {}", status, core::quote_peer_text(head.reason))};
    }
    if (head.content_type_fields != 1 || !is_text_plain(head.content_type)) {
        return policy_response_failure{
            failure_reason::policy_media_type_wrong, fetch_failure_kind::media_type,
            head.content_type_fields == 0 ? std::string("no Content-Type (text/plain required)")
            : head.content_type_fields > 1
                ? fmt::format("{} Content-Type fields (one text/plain required)", head.content_type_fields)
                : fmt::format("Content-Type {} (text/plain required)", core::quote_peer_text(head.content_type))};
    }
    // RFC 8461 §3.3 [STS-FETCH-14, STS-SEC-08]: a declared length over the cap is refused
    // before any of the body is read.
    if (head.content_length && *head.content_length > body_bytes_max) {
        return policy_response_failure{failure_reason::policy_body_too_large, fetch_failure_kind::body_too_large,
                                       fmt::format("the body from {} declares {} bytes, more than {}", host,
                                                   *head.content_length, body_bytes_max)};
    }
    return std::nullopt;
}

policy_response_failure policy_body_too_large(std::string_view host, std::size_t body_bytes_max) {
    // RFC 8461 §3.3 [STS-FETCH-14, STS-SEC-08]: the body cap.
    return {failure_reason::policy_body_too_large, fetch_failure_kind::body_too_large,
            fmt::format("the body from {} exceeds {} bytes", host, body_bytes_max)};
}

policy_response_failure policy_response_malformed(std::string_view host, std::string_view stage,
                                                  std::string_view why) {
    // interpretation: an HTTP response that does not parse is a fetch error like a wrong
    // status (fetch_failure_kind has no kind of its own for it).
    return {failure_reason::policy_http_malformed, fetch_failure_kind::http_status,
            fmt::format("malformed HTTP response from {} ({}): {}", host, stage, why)};
}

core::result<std::string, policy_response_failure> read_policy_response(std::string_view bytes,
                                                                         std::string_view host,
                                                                         std::size_t body_bytes_max,
                                                                         std::size_t chunk_bytes) {
    byte_source source(bytes, chunk_bytes);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(core::limits::policy_http_header_bytes_max));
    boost::system::error_code ec;
    http::read_header(source, buffer, parser, ec);
    if (ec) return core::failure(policy_response_malformed(host, "response head", ec.message()));
    if (auto refused = check_policy_response_head(head_of(parser), host, body_bytes_max)) {
        return core::failure(std::move(*refused));
    }
    // As in the fetcher: the cap for chunked and until-close bodies is set between the
    // two reads.
    parser.body_limit(std::uint64_t{body_bytes_max});
    if (!parser.is_done()) {
        http::read(source, buffer, parser, ec);
        if (ec == http::error::body_limit) return core::failure(policy_body_too_large(host, body_bytes_max));
        if (ec) return core::failure(policy_response_malformed(host, "body", ec.message()));
    }
    return std::move(parser.get().body());
}

}  // namespace sts::mtasts
