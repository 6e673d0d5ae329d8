// engine/mtasts/record.hpp
//
// The `_mta-sts` TXT record (RFC 8461 §3.1): how a domain says that it publishes an MTA-STS
// policy, and which policy instance (`id`) is current. Two steps, kept apart because the
// RFC keeps them apart:
//
//   discover_record()  takes the TXT RRset as the resolver returned it, joins each RR's
//                      character-strings, keeps the records beginning with "v=STSv1;",
//                      requires exactly one, and parses it;
//   parse_record()     checks one record against the strict ABNF of §3.1.
//
// Every refusal is a core::finding naming the requirement (STS-DISC-xx) and the 1-based
// byte column; peer text in a finding has passed through core::quote_peer_text.
//
// Not here: the DNS lookup itself and CNAME chasing (engine/dns/), and what the caller does
// when there is no usable record. Any status other than `found` means the domain has no
// *live* policy; a non-expired cached policy still applies (RFC 8461 §3.3, STS-CACHE-04),
// and a missing or broken record alone never purges the cache (STS-DISC-16).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::mtasts {

// A syntactically valid `_mta-sts` record. The version is always STSv1, so it is not kept.
struct sts_record {
    // 1-32 ASCII letters and digits (STS-DISC-06). Compare ids only for equality; they have
    // no order (STS-DISC-04).
    std::string id;
    // Unknown fields in record order, as (name, value); they carry no meaning for the
    // engine and are kept only so that `check` and logs can show them (STS-DISC-09).
    std::vector<std::pair<std::string, std::string>> extensions;
    // Accepted oddities worth telling an operator, such as a second `id` field that was
    // ignored (ambiguity A1). Never a reason to refuse the record.
    core::findings notes;

    friend bool operator==(const sts_record&, const sts_record&) = default;
};

// Parses one record (the character-strings already joined) against RFC 8461 §3.1:
//
//   sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
//
// Success: the record, with its id and extensions.
// Failure: one finding per broken field (at most limits::txt_record_findings_max), each
// with its column. The caller treats the domain as having no live policy (STS-DISC-12).
//
// This is the grammar only. It does not apply the "begins with v=STSv1;" filter of
// discovery, so "v=STSv1 ;id=x" parses here (the ABNF allows the space) although
// discover_record() sets such a record aside (ambiguity A8).
core::result<sts_record, core::findings> parse_record(std::string_view text);

enum class discovery_status {
    found,             // exactly one STS record, and it is valid
    no_record,         // no record begins with "v=STSv1;" (including an empty RRset)
    multiple_records,  // more than one record begins with "v=STSv1;" (STS-DISC-11)
    invalid_record,    // exactly one does, and it is syntactically invalid (STS-DISC-12)
    oversized_rrset,   // more records or bytes than limits allow; nothing was parsed
};

std::string_view to_string(discovery_status s);

struct discovery_result {
    discovery_status status = discovery_status::no_record;
    // Set exactly when status is `found`. The line of each of its notes is the record's
    // position in the RRset, as for `findings`.
    std::optional<sts_record> record;
    // Why records were set aside, why the STS record is invalid, or which limit was hit.
    // Here `line` is the 1-based position of the record in the RRset (0 when the finding
    // is about the whole RRset) and `column` a byte column in that record's joined text.
    core::findings findings;
};

// RFC 8461 §3.1 discovery over one TXT RRset, each RR given as its list of
// character-strings in wire order.
//
//   found             use record->id: fetch the policy if the id differs from the cached one.
//   no_record         the domain publishes no MTA-STS (STS-DISC-13), unless a cached
//                     policy is still unexpired, which then applies.
//   multiple_records,
//   invalid_record,
//   oversized_rrset   no available policy (STS-DISC-11/12); the rest of discovery is skipped,
//                     and a cached policy still applies.
//
// NXDOMAIN and NODATA are an empty RRset here; temporary DNS failures never reach this
// function (the caller decides about them, ambiguity A14).
discovery_result discover_record(std::span<const std::vector<std::string>> rrset);

}  // namespace sts::mtasts
