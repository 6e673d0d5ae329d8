#include "mocks/proxy/proxy_config.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sts::mocks {

namespace {

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_nocase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

}  // namespace

const char* to_string(proxy_fault fault) {
    switch (fault) {
        case proxy_fault::none:
            return "none";
        case proxy_fault::stall:
            return "stall";
        case proxy_fault::auth_required:
            return "auth required";
        case proxy_fault::bad_gateway:
            return "bad gateway";
        case proxy_fault::intercept:
            return "intercept";
    }
    return "none";
}

policy_response connect_proxy_config::forged_policy_response() {
    policy_response r;
    r.body = "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n";
    return r;
}

std::optional<std::string> recorded_connect::header(std::string_view name) const {
    for (const auto& field : headers) {
        if (equal_nocase(field.name, name)) return field.value;
    }
    return std::nullopt;
}

std::string validate(const connect_proxy_config& config) {
    if (config.host_name.empty()) return "a proxy needs a host name";
    if (config.listen.address.empty()) return fmt::format("{}: no listen address", config.host_name);
    for (const auto& [name, address] : config.targets) {
        if (name.empty() || address.empty())
            return fmt::format("{}: a target with an empty name or address", config.host_name);
        if (std::any_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
            return fmt::format("{}: target \"{}\" is not lower-case", config.host_name, name);
        }
    }
    if (config.fault == proxy_fault::intercept &&
        (config.interception_ca.chain_pem.empty() || config.interception_ca.private_key_pem.empty())) {
        return fmt::format("{}: interception needs the interception CA's certificate and key",
                           config.host_name);
    }
    // The intercepted answer goes through the policy host's checks (status, header syntax).
    policy_host_config as_host;
    as_host.host_name = config.host_name;
    as_host.listen = config.listen;
    as_host.response = config.intercepted_response;
    as_host.response.framing = body_framing::content_length;
    as_host.response.endless = false;
    if (auto problem = validate(as_host); !problem.empty()) return "intercepted response: " + problem;
    if (config.header_bytes_max == 0 || config.concurrent_connections_max == 0 ||
        config.forged_certificates_max == 0 || config.request_timeout <= core::duration::zero() ||
        config.connect_timeout <= core::duration::zero()) {
        return fmt::format("{}: a bound of zero", config.host_name);
    }
    return {};
}

}  // namespace sts::mocks
