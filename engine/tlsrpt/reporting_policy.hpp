// engine/tlsrpt/reporting_policy.hpp
//
// The TLS-RPT reporting policy (RFC 8460 §3): the TXT record at `_smtp._tls.<Policy
// Domain>` through which a domain says where aggregate reports go. Like the `_mta-sts`
// record (engine/mtasts/record.hpp), two steps kept apart:
//
//   discover_reporting_policy()  takes the TXT RRset as the resolver returned it, joins each
//                                RR's character-strings without separator, keeps the
//                                records beginning with "v=TLSRPTv1;", requires exactly one,
//                                and parses it;
//   parse_reporting_policy()     checks one record against the ABNF of §3 and keeps the
//                                rua URIs the reporter can use (mailto: and https:).
//
// Every refusal is a core::finding naming the requirement (TLSRPT-xx) and the 1-based byte
// column; peer text in a finding has passed through core::quote_peer_text.
//
// Not here: the DNS lookup, which Policy Domain receives a given result (ambiguity A21),
// and delivering reports to the endpoints (RFC 8460 §5).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::tlsrpt {

// The owner name of the reporting policy of `policy_domain`: "_smtp._tls.<domain>"
// (RFC 8460 §3, TLSRPT-01). A trailing root dot on the domain is dropped.
std::string reporting_policy_owner(std::string_view policy_domain);

enum class rua_scheme { mailto, https };

std::string_view to_string(rua_scheme scheme) noexcept;

// One report endpoint, its URI exactly as published (percent-encoding untouched).
struct rua_endpoint {
    rua_scheme scheme = rua_scheme::mailto;
    std::string uri;
    // For mailto: the addr-spec after "mailto:" up to any '?' (percent-encoding untouched);
    // for https: empty.
    std::string mailbox;

    friend bool operator==(const rua_endpoint&, const rua_endpoint&) = default;
};

// A syntactically valid `_smtp._tls` record with at least one usable endpoint.
struct reporting_policy {
    // mailto: and https: endpoints in record order; never empty.
    std::vector<rua_endpoint> rua;
    // Unknown fields in record order, as (name, value); ignored (TLSRPT-06).
    std::vector<std::pair<std::string, std::string>> extensions;
    // Accepted oddities worth telling an operator: URIs of other schemes that were skipped,
    // a second rua field that was ignored. Never a reason to refuse the record.
    core::findings notes;

    friend bool operator==(const reporting_policy&, const reporting_policy&) = default;
};

// Parses one record (the character-strings already joined) against RFC 8460 §3:
//
//   tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
//   field-delim    = *WSP ";" *WSP
//   tlsrpt-rua     = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//
// Failure: one finding per broken field (at most limits::tlsrpt_record_findings_max).
core::result<reporting_policy, core::findings> parse_reporting_policy(std::string_view text);

enum class reporting_discovery_status {
    found,             // exactly one TLSRPT record, and it is valid
    no_record,         // no record begins with "v=TLSRPTv1;" (including an empty RRset)
    multiple_records,  // more than one does (TLSRPT-04)
    invalid_record,    // exactly one does, and it is invalid or has no usable rua
    oversized_rrset,   // more records or bytes than limits allow; nothing was parsed
};

std::string_view to_string(reporting_discovery_status status) noexcept;

struct reporting_discovery {
    reporting_discovery_status status = reporting_discovery_status::no_record;
    // Set exactly when status is `found`.
    std::optional<reporting_policy> policy;
    // Why records were set aside or refused. `line` is the 1-based position of the record
    // in the RRset (0 for the RRset as a whole), `column` a byte column in its joined text.
    core::findings findings;
};

// RFC 8460 §3 discovery over one TXT RRset, each RR given as its character-strings in wire
// order. Any status but `found` means the domain does not do TLS-RPT: no report is sent.
reporting_discovery discover_reporting_policy(std::span<const std::vector<std::string>> rrset);

}  // namespace sts::tlsrpt
