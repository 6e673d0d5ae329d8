// engine/tls/profile.cpp
#include "engine/tls/profile.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"

#include <algorithm>

namespace sts::tls {

namespace {

constexpr std::string_view default_key = "default";

char lower_ascii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Lower case, one trailing root dot dropped: "Example.COM." and "example.com" are the same
// destination (DNS names are absolute and case-insensitive).
std::string normalise(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(), lower_ascii);
    return out;
}

bool label_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Why `name` (normalised, without the subdomain marker) is not a usable domain name, or
// empty when it is.
std::string_view domain_problem(std::string_view name) {
    if (name.empty()) return "a profile entry names a domain";
    if (name.size() > core::limits::dns_name_bytes_max - 2) {
        return "a profile entry's domain is at most 253 characters long";
    }
    std::size_t label_bytes = 0;
    for (char c : name) {
        if (c == '.') {
            if (label_bytes == 0) return "a profile entry's domain has no empty labels";
            label_bytes = 0;
            continue;
        }
        if (!label_byte(c)) {
            return "a profile entry's domain holds only letters, digits, '-', '_' and '.'";
        }
        if (++label_bytes > core::limits::dns_label_bytes_max) {
            return "a profile entry's domain labels are at most 63 characters long";
        }
    }
    if (label_bytes == 0) return "a profile entry's domain has no empty labels";
    return {};
}

core::finding config_finding(std::string_view rule, std::string_view key) {
    // Profile rules are the product's configuration rules, not RFC requirements, so the
    // finding names no catalogue id.
    return core::finding{"", std::string(rule), 0, 0, core::quote_peer_text(key)};
}

}  // namespace

const profile profile_table::builtin_default_{};

std::string_view to_string(tls_setting s) {
    switch (s) {
        case tls_setting::no: return "no";
        case tls_setting::preferred: return "preferred";
        case tls_setting::required: return "required";
        case tls_setting::preferred_verify: return "preferred-verify";
        case tls_setting::required_verify: return "required-verify";
        case tls_setting::required_verify_hosted: return "required-verify-hosted";
    }
    return "no";
}

std::string_view to_string(dane_setting s) {
    switch (s) {
        case dane_setting::none: return "none";
        case dane_setting::opportunistic: return "opportunistic";
        case dane_setting::mandatory: return "mandatory";
    }
    return "none";
}

std::optional<tls_setting> tls_setting_from_string(std::string_view text) {
    for (auto s : {tls_setting::no, tls_setting::preferred, tls_setting::required,
                   tls_setting::preferred_verify, tls_setting::required_verify,
                   tls_setting::required_verify_hosted}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

std::optional<dane_setting> dane_setting_from_string(std::string_view text) {
    for (auto s : {dane_setting::none, dane_setting::opportunistic, dane_setting::mandatory}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

std::string_view to_string(profile_warning_kind k) {
    switch (k) {
        case profile_warning_kind::mta_sts_on_default_profile:
            return "MTA-STS is enabled on the default profile; enable it per domain instead";
        case profile_warning_kind::mta_sts_ignored_with_tls_no:
            return "MTA-STS is enabled but ignored because TLS support is No";
        case profile_warning_kind::dane_ignored_with_tls_no:
            return "DANE is enabled but ignored because TLS support is No";
    }
    return "";
}

std::optional<core::finding> profile_table::add(std::string_view key, const profile& settings) {
    if (key.size() > core::limits::dns_name_bytes_max + 1) {
        return config_finding("a profile entry's domain is at most 253 characters long",
                              key);
    }
    std::string normalised = normalise(key);
    if (normalised == default_key) {
        if (default_) return config_finding("a profile entry appears only once", key);
        default_ = settings;
        return std::nullopt;
    }
    const bool subdomains = !normalised.empty() && normalised.front() == '.';
    const std::string_view domain =
        subdomains ? std::string_view(normalised).substr(1) : std::string_view(normalised);
    if (auto problem = domain_problem(domain); !problem.empty()) {
        return config_finding(problem, key);
    }
    if (entries_.size() >= core::limits::profile_entries_max) {
        return config_finding("a profile table holds at most 4096 entries", key);
    }
    const bool duplicate = std::any_of(entries_.begin(), entries_.end(),
                                       [&](const entry& e) { return e.key == normalised; });
    if (duplicate) return config_finding("a profile entry appears only once", key);
    entries_.push_back(entry{std::move(normalised), settings});
    return std::nullopt;
}

profile_match profile_table::find(std::string_view domain) const {
    const std::string name = normalise(domain);
    const entry* best = nullptr;
    for (const entry& e : entries_) {
        if (e.key == name) return {&e.settings, e.key};
        // ".example.com" covers "a.example.com" and "b.a.example.com" but not
        // "example.com" itself; the longest such suffix is the most specific.
        const bool covers = e.key.front() == '.' && name.size() > e.key.size() &&
                            name.compare(name.size() - e.key.size(), e.key.size(), e.key) == 0;
        if (covers && (best == nullptr || e.key.size() > best->key.size())) best = &e;
    }
    if (best != nullptr) return {&best->settings, best->key};
    return {default_ ? &*default_ : &builtin_default_, std::string(default_key)};
}

std::vector<profile_warning> profile_table::warnings() const {
    std::vector<profile_warning> out;
    auto check = [&out](const std::string& key, const profile& p) {
        if (p.tls == tls_setting::no && p.mta_sts) {
            out.push_back({profile_warning_kind::mta_sts_ignored_with_tls_no, key});
        }
        if (p.tls == tls_setting::no && p.dane != dane_setting::none) {
            out.push_back({profile_warning_kind::dane_ignored_with_tls_no, key});
        }
    };
    for (const entry& e : entries_) check(e.key, e.settings);
    if (default_) {
        if (default_->mta_sts) {
            out.push_back({profile_warning_kind::mta_sts_on_default_profile,
                           std::string(default_key)});
        }
        check(std::string(default_key), *default_);
    }
    return out;
}

bool profile_table::mta_sts_on_default_profile() const {
    return default_.has_value() && default_->mta_sts;
}

}  // namespace sts::tls
