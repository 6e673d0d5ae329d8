// engine/tls/profile.hpp
//
// Destination-control profiles (seg-behaviour.md, "Destination-control profiles"): the
// per-recipient-domain settings that decide how hard the engine insists on TLS. A profile
// carries the TLS setting (six product levels, No to Required-Verify-Hosted-Domains), the
// DANE setting (None, Opportunistic, Mandatory) and whether MTA-STS is honoured.
//
// The profile_table finds the profile for a domain: an entry for `example.com` covers that
// domain only, an entry for `.example.com` covers its subdomains only, and `default` covers
// everything else. The most specific entry wins (exact name, then the longest matching
// `.suffix`, then `default`); keys and domains compare case-insensitively and a trailing
// root dot is ignored.
//
// This file only models and looks up configuration. What a profile means for one
// connection (together with DANE and MTA-STS outcomes) is decided in
// engine/tls/requirement.hpp. Profile keys come from scenario files, so add() checks them
// and returns findings instead of trusting them.
#pragma once

#include "engine/core/finding.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::tls {

// The product's TLS support setting, weakest first (the order is the product's numbering
// 1-6, not a strength order between the two Verify variants).
enum class tls_setting {
    no,                      // 1: never negotiate TLS
    preferred,               // 2: STARTTLS if possible, clear fallback before the 220 only
    required,                // 3: TLS or nothing, certificate not verified
    preferred_verify,        // 4: verify and log; deliver anyway (over TLS, or clear without TLS)
    required_verify,         // 5: TLS and a certificate valid for the recipient domain
    required_verify_hosted,  // 6: as 5, but the reference identity is the MX host name
};

enum class dane_setting { none, opportunistic, mandatory };

// Scenario spellings: no|preferred|required|preferred-verify|required-verify|
// required-verify-hosted and none|opportunistic|mandatory.
std::string_view to_string(tls_setting s);
std::string_view to_string(dane_setting s);
std::optional<tls_setting> tls_setting_from_string(std::string_view text);
std::optional<dane_setting> dane_setting_from_string(std::string_view text);

struct profile {
    // interpretation: the product ships its default profile with TLS "No", DANE "None" and
    // MTA-STS off; a table without a `default` entry behaves as if it had that one.
    tls_setting tls = tls_setting::no;
    dane_setting dane = dane_setting::none;
    bool mta_sts = false;

    friend bool operator==(const profile&, const profile&) = default;
};

// Which entry a lookup used, for the mail log and `explain`.
struct profile_match {
    const profile* settings = nullptr;  // never null
    std::string entry;                  // "example.com", ".example.com" or "default"
};

// Configuration smells worth a warning (never a refusal).
enum class profile_warning_kind {
    // seg-behaviour.md: the product advises against MTA-STS on the default profile (every
    // domain then costs lookups, and one broken domain affects all traffic).
    mta_sts_on_default_profile,
    // MTA-STS is only honoured with TLS settings 2-6, DANE only when TLS is not "No".
    mta_sts_ignored_with_tls_no,
    dane_ignored_with_tls_no,
};

std::string_view to_string(profile_warning_kind k);

struct profile_warning {
    profile_warning_kind kind;
    std::string entry;

    friend bool operator==(const profile_warning&, const profile_warning&) = default;
};

class profile_table {
public:
    // Adds the entry `key` ("default", "example.com" or ".example.com"). Returns a finding
    // when the key is not a plausible domain name (empty, too long, empty labels, bytes
    // other than letters, digits, '-', '_' and '.'), when the table is full
    // (core::limits::profile_entries_max) or when the key, after normalisation, is already
    // present. The table is unchanged after a finding.
    std::optional<core::finding> add(std::string_view key, const profile& settings);

    // The profile for `domain` (most specific entry wins). Never fails: without a matching
    // entry the `default` entry (or the built-in default) applies. `domain` is not
    // validated; a name that matches no entry simply gets the default.
    profile_match find(std::string_view domain) const;

    // Warnings for the whole table, in entry order (default last).
    std::vector<profile_warning> warnings() const;

    // True when the `default` entry turns MTA-STS on: the warning the product asks for.
    bool mta_sts_on_default_profile() const;

    std::size_t size() const { return entries_.size(); }

private:
    struct entry {
        std::string key;  // normalised: lower case, no trailing dot; leading '.' kept
        profile settings;
    };
    std::vector<entry> entries_;
    std::optional<profile> default_;
    static const profile builtin_default_;
};

}  // namespace sts::tls
