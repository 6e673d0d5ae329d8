// fuzz/fuzz_tlsrpt_record.cpp
//
// libFuzzer target for the TLS-RPT reporting policy, the `_smtp._tls` TXT record
// (engine/tlsrpt/reporting_policy.hpp), and the `https:` rua URIs in it
// (engine/tlsrpt/https_uri.hpp): DNS data an attacker controls.
//
// As in fuzz_txt_record, the input is split on 0x00 into records and on 0x01 into
// character-strings, so the fuzzer builds RRsets of several records of several strings.
// Besides "no crash, no sanitizer report" it checks that discovery and parsing agree with
// each other, that every refusal names a requirement within the findings bound, and that
// an accepted URI is what the poster may send a request to.
// Seeds: fuzz/corpus/fuzz_tlsrpt_record/.
#include "engine/core/limits.hpp"
#include "engine/tlsrpt/https_uri.hpp"
#include "engine/tlsrpt/reporting_policy.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using sts::tlsrpt::reporting_discovery_status;

void require(bool condition) {
    if (!condition) __builtin_trap();
}

void check_uri(std::string_view text) {
    std::string why;
    const auto uri = sts::tlsrpt::parse_https_uri(text, &why);
    if (!uri) {
        require(!why.empty());
        return;
    }
    require(!uri->host.empty());
    for (const char c : uri->host) require(c == '.' || c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    require(!uri->target.empty() && uri->target.front() == '/');
    for (const char c : uri->target) require(static_cast<unsigned char>(c) > 0x20 && c != 0x7f);
    require(!uri->port || *uri->port != 0);
}

void check_policy(const sts::tlsrpt::reporting_policy& p) {
    require(!p.rua.empty());
    for (const auto& e : p.rua) {
        require(!e.uri.empty());
        if (e.scheme == sts::tlsrpt::rua_scheme::https) {
            require(e.mailbox.empty());
            check_uri(e.uri);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // The whole input as one record.
    const auto parsed = sts::tlsrpt::parse_reporting_policy(input);
    if (parsed) {
        check_policy(*parsed);
    } else {
        require(!parsed.error().empty());
        require(parsed.error().size() <= sts::core::limits::tlsrpt_record_findings_max + 1);
        for (const auto& f : parsed.error()) require(!f.requirement.empty() && !f.rule.empty());
    }
    check_uri(input);

    // The input as an RRset.
    std::vector<std::vector<std::string>> rrset(1);
    rrset.back().emplace_back();
    for (const char c : input) {
        if (c == '\0') {
            rrset.emplace_back();
            rrset.back().emplace_back();
        } else if (c == '\x01') {
            rrset.back().emplace_back();
        } else {
            rrset.back().back().push_back(c);
        }
    }
    const auto found = sts::tlsrpt::discover_reporting_policy(rrset);
    require(found.policy.has_value() == (found.status == reporting_discovery_status::found));
    if (found.policy) {
        check_policy(*found.policy);
        // A found record parses on its own to the same endpoints and extensions (the notes
        // differ: discovery numbers them by record).
        for (const auto& rr : rrset) {
            std::string joined;
            for (const auto& s : rr) joined += s;
            if (joined.rfind("v=TLSRPTv1;", 0) != 0) continue;
            const auto again = sts::tlsrpt::parse_reporting_policy(joined);
            require(again.has_value() && again->rua == found.policy->rua &&
                    again->extensions == found.policy->extensions);
        }
    }
    return 0;
}
