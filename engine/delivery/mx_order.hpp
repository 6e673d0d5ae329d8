// engine/delivery/mx_order.hpp
//
// The order in which a domain's MX hosts are tried (RFC 5321 §5.1): lowest preference
// first, and hosts of equal preference in a random order, so that senders spread their
// load over them. The randomness is deterministic: it comes from the engine's seed and the
// recipient domain, so a scenario run twice tries the same hosts in the same order, and two
// domains sharing an MX set do not always start with the same host.
//
// RFC 8461 §8.4 and RFC 7672 §2.2.1 [STS-MX-08, STS-APPLY-11, DANE-16]: neither MTA-STS
// nor DANE reorders the list; a host a policy does not allow is skipped where it stands.
// So this order is computed before, and independently of, any policy.
//
// Also here: duplicate exchanges (the same host under two preferences) are tried once, at
// their best preference. Not here: the null MX (RFC 7505) and the implicit MX (RFC 5321
// §5.1), which the planner handles before ordering, and the cap on hosts tried
// (limits::mx_hosts_tried_max), which it applies after.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sts::delivery {

struct mx_candidate {
    std::string host;  // lower case, no trailing root dot
    std::uint16_t preference = 0;

    friend bool operator==(const mx_candidate&, const mx_candidate&) = default;
};

// The candidates in the order to try them. Pure: the same (records, domain, seed) always
// give the same order; the input order of the records does not matter.
std::vector<mx_candidate> order_mx(std::vector<mx_candidate> records, std::string_view domain, std::uint64_t seed);

}  // namespace sts::delivery
