// engine/dns/txt_rrset.hpp
//
// The records of a TXT RRset as the protocols that publish key=value records in TXT read
// them: each record's character-strings joined with no separator added (RFC 8461 §3.1
// [STS-DISC-14], RFC 8460 §3 [TLSRPT-05]). Bounded for hostile answers: an RRset of more
// than limits::txt_records_max records, or a record longer than
// limits::txt_record_bytes_max once joined, is refused as a whole, with the words the
// caller's finding needs. Choosing among the records (the version prefix, "exactly one")
// stays with each protocol.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sts::dns {

struct joined_txt_rrset {
    std::vector<std::string> records;  // in RRset order; empty when refused
    // Why the RRset was refused, and the 1-based record it is about (0: the whole RRset).
    std::optional<std::string> refused;
    std::size_t refused_record = 0;
};

joined_txt_rrset join_txt_rrset(std::span<const std::vector<std::string>> rrset);

}  // namespace sts::dns
