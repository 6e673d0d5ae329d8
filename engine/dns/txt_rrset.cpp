#include "engine/dns/txt_rrset.hpp"

#include "engine/core/limits.hpp"

#include <fmt/format.h>

namespace sts::dns {

joined_txt_rrset join_txt_rrset(std::span<const std::vector<std::string>> rrset) {
    joined_txt_rrset out;
    if (rrset.size() > core::limits::txt_records_max) {
        out.refused = fmt::format("the TXT RRset has {} records; at most {} are examined", rrset.size(),
                                  core::limits::txt_records_max);
        return out;
    }
    out.records.reserve(rrset.size());
    for (std::size_t i = 0; i < rrset.size(); ++i) {
        std::size_t bytes = 0;
        for (const auto& s : rrset[i]) {
            bytes += s.size();
            if (bytes > core::limits::txt_record_bytes_max) {
                out.records.clear();
                out.refused = fmt::format("TXT record is longer than {} bytes", core::limits::txt_record_bytes_max);
                out.refused_record = i + 1;
                return out;
            }
        }
        std::string text;
        text.reserve(bytes);
        for (const auto& s : rrset[i]) text += s;
        out.records.push_back(std::move(text));
    }
    return out;
}

}  // namespace sts::dns
