// engine/mtasts/txt_outcome.hpp
//
// What one `_mta-sts` TXT lookup for a Policy Domain told us (RFC 8461 §3.1), reduced to
// the four cases the policy cache (engine/mtasts/policy_cache.hpp) tells apart:
//
//   found       exactly one valid STS record; its `id` names the current policy;
//   no_record   NXDOMAIN, NODATA, or no record beginning with "v=STSv1;" (STS-DISC-13);
//   unusable    several STS records, an invalid one, or an oversized RRset
//               (STS-DISC-11, STS-DISC-12): the domain has no available policy;
//   temp_error  SERVFAIL, timeout or another transient resolver failure, which says
//               nothing about the record (ambiguity A14).
//
// None of the last three removes a cached policy (STS-DISC-16): an attacker can forge or
// block any of them (RFC 8461 §10.2). The record grammar and the exactly-one rule live in
// engine/mtasts/record.hpp; from_discovery() adapts its result. The DNS lookup itself, and
// the decision that a failure is transient, belong to engine/dns/.
#pragma once

#include "engine/mtasts/record.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace sts::mtasts {

enum class txt_status { found, no_record, unusable, temp_error };

std::string_view to_string(txt_status s);

struct txt_outcome {
    txt_status status = txt_status::no_record;
    // The record's id when status is found (1-32 letters and digits, as record.hpp
    // guarantees); empty otherwise.
    std::string policy_id;

    static txt_outcome found(std::string id) { return {txt_status::found, std::move(id)}; }
    static txt_outcome no_record() { return {txt_status::no_record, {}}; }
    static txt_outcome unusable() { return {txt_status::unusable, {}}; }
    static txt_outcome temp_error() { return {txt_status::temp_error, {}}; }

    friend bool operator==(const txt_outcome&, const txt_outcome&) = default;
};

// The outcome of RFC 8461 §3.1 discovery over an RRset the resolver did return. A lookup
// that failed transiently never produced an RRset; the caller says temp_error() itself.
txt_outcome from_discovery(const discovery_result& result);

inline std::string_view to_string(txt_status s) {
    switch (s) {
        case txt_status::found:
            return "found";
        case txt_status::no_record:
            return "no_record";
        case txt_status::unusable:
            return "unusable";
        case txt_status::temp_error:
            return "temp_error";
    }
    return "unusable";
}

inline txt_outcome from_discovery(const discovery_result& result) {
    switch (result.status) {
        case discovery_status::found:
            if (result.record) return txt_outcome::found(result.record->id);
            return txt_outcome::unusable();  // a found status without a record is broken
        case discovery_status::no_record:
            return txt_outcome::no_record();
        case discovery_status::multiple_records:
        case discovery_status::invalid_record:
        case discovery_status::oversized_rrset:
            return txt_outcome::unusable();
    }
    return txt_outcome::unusable();
}

}  // namespace sts::mtasts
