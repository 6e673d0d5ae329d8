#include "mocks/policy_host/policy_site.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace sts::mocks {

namespace {

// RFC 9110 §5.6.2: token = 1*tchar.
bool is_token(std::string_view text) {
    constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               specials.find(c) != std::string_view::npos;
    });
}

// RFC 9110 §5.5: a field value never contains CR, LF or NUL. Any other byte is allowed
// here, obs-text included: odd values are part of what a mock may serve.
bool is_field_value(std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

policy_response redirect_response(unsigned status, std::string location) {
    policy_response r;
    r.status = status;
    r.content_type = "text/html";
    r.headers.push_back({"Location", std::move(location)});
    r.body = "<html><body>Moved</body></html>\n";
    return r;
}

std::string validate(const policy_host_config& config) {
    const auto& r = config.response;
    if (config.host_name.empty()) return "a policy host needs a host name";
    if (config.listen.address.empty()) return fmt::format("{}: no listen address", config.host_name);
    if (config.path.empty() || config.path.front() != '/') {
        return fmt::format("{}: the path must start with '/'", config.host_name);
    }
    if (r.status < 100 || r.status > 999) {
        return fmt::format("{}: status {} is not a three-digit code", config.host_name, r.status);
    }
    if (config.post_status && (*config.post_status < 200 || *config.post_status > 999)) {
        return fmt::format("{}: report status {} is not a final three-digit code", config.host_name,
                           *config.post_status);
    }
    if (!is_field_value(r.reason))
        return fmt::format("{}: the reason phrase contains CR, LF or NUL", config.host_name);
    if (r.content_type && !is_field_value(*r.content_type)) {
        return fmt::format("{}: the Content-Type contains CR, LF or NUL", config.host_name);
    }
    if (r.headers.size() > policy_headers_config_max) {
        return fmt::format("{}: more than {} extra headers", config.host_name, policy_headers_config_max);
    }
    for (const auto& field : r.headers) {
        if (!is_token(field.name))
            return fmt::format("{}: \"{}\" is not a header name", config.host_name, field.name);
        if (!is_field_value(field.value)) {
            return fmt::format("{}: the value of {} contains CR, LF or NUL", config.host_name, field.name);
        }
    }
    if (r.body.size() > policy_body_bytes_config_max) {
        return fmt::format("{}: a body over {} bytes", config.host_name, policy_body_bytes_config_max);
    }
    if (r.padding_bytes > policy_padding_bytes_config_max) {
        return fmt::format("{}: padding over {} bytes", config.host_name, policy_padding_bytes_config_max);
    }
    if (r.header_padding_bytes > policy_header_padding_bytes_config_max) {
        return fmt::format("{}: header padding over {} bytes", config.host_name,
                           policy_header_padding_bytes_config_max);
    }
    if (r.header_padding_line_bytes < policy_header_padding_line_bytes_min) {
        return fmt::format("{}: header padding lines under {} bytes", config.host_name,
                           policy_header_padding_line_bytes_min);
    }
    if (r.endless && r.framing == body_framing::content_length) {
        return fmt::format("{}: an endless body needs chunked or until_close framing", config.host_name);
    }
    if (r.drip.bytes > 0 && r.drip.interval <= core::duration::zero()) {
        return fmt::format("{}: a slow drip needs a positive interval", config.host_name);
    }
    if (config.header_bytes_max == 0 || config.requests_per_connection_max == 0 ||
        config.concurrent_connections_max == 0 || config.endless_bytes_max == 0 ||
        config.request_timeout <= core::duration::zero()) {
        return fmt::format("{}: a bound of zero", config.host_name);
    }
    return {};
}

const char* to_string(policy_host_fault fault) {
    switch (fault) {
        case policy_host_fault::none:
            return "none";
        case policy_host_fault::stall_before_tls:
            return "stall before TLS";
        case policy_host_fault::stall_after_tls:
            return "stall after TLS";
        case policy_host_fault::stall_after_headers:
            return "stall after headers";
        case policy_host_fault::reset:
            return "reset";
    }
    return "none";
}

const char* to_string(body_framing framing) {
    switch (framing) {
        case body_framing::content_length:
            return "content-length";
        case body_framing::chunked:
            return "chunked";
        case body_framing::until_close:
            return "until-close";
    }
    return "content-length";
}

}  // namespace sts::mocks
