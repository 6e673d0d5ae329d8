// mocks/certs/leaf_spec.cpp
#include "mocks/certs/leaf_spec.hpp"

#include <fmt/format.h>

#include <chrono>

namespace sts::mocks {

namespace {

// X.509 Time (RFC 5280 §4.1.2.5) covers years 1950 to 9999; UTCTime up to 2049 and
// GeneralizedTime beyond, which OpenSSL chooses by itself.
constexpr std::int64_t x509_seconds_min = -631'152'000;     // 1950-01-01T00:00:00Z
constexpr std::int64_t x509_seconds_max = 253'402'300'799;  // 9999-12-31T23:59:59Z

std::int64_t whole_seconds(core::time_point t) {
    return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

bool is_seven_bit(const std::string& s) {
    for (const char c : s) {
        if (static_cast<unsigned char>(c) > 0x7f) return false;
    }
    return true;
}

bool is_printable_ascii(const std::string& s) {
    for (const char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
    fmt::format_to(std::back_inserter(out), "{}={}:{};", key, value.size(), value);
}

std::string_view name_of(key_type k) {
    switch (k) {
        case key_type::ec_p256:
            return "ec-p256";
        case key_type::rsa_2048:
            return "rsa-2048";
        case key_type::rsa_1024:
            return "rsa-1024";
    }
    return "?";
}

std::string_view name_of(issuer_kind k) {
    switch (k) {
        case issuer_kind::root:
            return "root";
        case issuer_kind::intermediate:
            return "intermediate";
        case issuer_kind::untrusted_root:
            return "untrusted-root";
        case issuer_kind::self_signed:
            return "self-signed";
        case issuer_kind::interception:
            return "interception";
    }
    return "?";
}

std::string_view name_of(usage_profile u) {
    switch (u) {
        case usage_profile::tls_server:
            return "tls-server";
        case usage_profile::no_digital_signature:
            return "no-digital-signature";
        case usage_profile::cert_sign_only:
            return "cert-sign-only";
        case usage_profile::client_auth_only:
            return "client-auth-only";
    }
    return "?";
}

}  // namespace

std::string validate(const leaf_spec& spec) {
    if (spec.dns_names.size() > leaf_dns_names_max) {
        return fmt::format("{} DNS names, at most {} allowed", spec.dns_names.size(), leaf_dns_names_max);
    }
    for (const auto& name : spec.dns_names) {
        // An IA5String holds 7-bit characters only (RFC 5280 §4.2.1.6).
        if (name.empty() || name.size() > leaf_dns_name_bytes_max || !is_seven_bit(name)) {
            return fmt::format("DNS name of {} bytes: expected 1 to {} seven-bit characters", name.size(),
                               leaf_dns_name_bytes_max);
        }
    }
    if (spec.common_name) {
        const auto& cn = *spec.common_name;
        if (cn.empty() || cn.size() > leaf_common_name_bytes_max || !is_printable_ascii(cn)) {
            return fmt::format("common name of {} bytes: expected 1 to {} printable ASCII characters",
                               cn.size(), leaf_common_name_bytes_max);
        }
    }
    const auto nb = whole_seconds(spec.not_before);
    const auto na = whole_seconds(spec.not_after);
    if (nb < x509_seconds_min || nb > x509_seconds_max || na < x509_seconds_min || na > x509_seconds_max) {
        return "validity outside the years 1950 to 9999 that X.509 can express";
    }
    if (na < nb) return "not_after is before not_before";
    if (spec.intermediate_count < 1 || spec.intermediate_count > leaf_intermediate_count_max) {
        return fmt::format("intermediate_count {}: expected 1 to {}", spec.intermediate_count,
                           leaf_intermediate_count_max);
    }
    if (spec.top_intermediate_path_length) {
        if (spec.issuer != issuer_kind::intermediate) return "a path length needs issuer intermediate";
        if (*spec.top_intermediate_path_length < 0 ||
            *spec.top_intermediate_path_length > leaf_intermediate_count_max) {
            return fmt::format("path length {}: expected 0 to {}", *spec.top_intermediate_path_length,
                               leaf_intermediate_count_max);
        }
    }
    if (spec.key_label.size() > leaf_key_label_bytes_max) {
        return fmt::format("key label of {} bytes, at most {} allowed", spec.key_label.size(),
                           leaf_key_label_bytes_max);
    }
    for (const auto* url : {&spec.ocsp_url, &spec.crl_url}) {
        if (url->empty()) continue;
        // OpenSSL's configuration syntax would read a comma as a second value.
        const bool plain = url->size() <= leaf_url_bytes_max && url->starts_with("http://") &&
                           url->find_first_of(", \t\r\n") == std::string::npos;
        if (!plain) return fmt::format("revocation URL \"{}\": expected http://... without spaces or commas", *url);
    }
    return {};
}

std::string canonical_form(const leaf_spec& spec) {
    std::string out;
    fmt::format_to(std::back_inserter(out), "names={};", spec.dns_names.size());
    for (const auto& name : spec.dns_names) append_field(out, "dns", name);
    if (spec.common_name) append_field(out, "cn", *spec.common_name);
    fmt::format_to(std::back_inserter(out), "not_before={};not_after={};", whole_seconds(spec.not_before),
                   whole_seconds(spec.not_after));
    append_field(out, "issuer", name_of(spec.issuer));
    // The chain length only matters when intermediates sign the leaf.
    if (spec.issuer == issuer_kind::intermediate) {
        fmt::format_to(std::back_inserter(out), "intermediates={};", spec.intermediate_count);
        // Appended only when set, so every other leaf keeps its bytes.
        if (spec.top_intermediate_path_length) {
            fmt::format_to(std::back_inserter(out), "top_pathlen={};", *spec.top_intermediate_path_length);
        }
    }
    append_field(out, "key", name_of(spec.key));
    append_field(out, "usage", name_of(spec.usage));
    append_field(out, "key_label", spec.key_label);
    if (!spec.ocsp_url.empty()) append_field(out, "ocsp", spec.ocsp_url);
    if (!spec.crl_url.empty()) append_field(out, "crl", spec.crl_url);
    return out;
}

}  // namespace sts::mocks
