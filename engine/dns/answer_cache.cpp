#include "engine/dns/answer_cache.hpp"

#include "engine/core/domain_name.hpp"

#include <algorithm>
#include <chrono>

namespace sts::dns {

namespace {

// Names are keys in one spelling: lower case (RFC 4343 §3), no root dot.
std::string key_name(std::string_view name) {
    return core::to_ascii_lower(core::strip_root_dot(name));
}

}  // namespace

std::optional<core::duration> cache_lifetime(const lookup_result& result) {
    std::chrono::seconds cap{0};
    switch (result.status) {
        case lookup_status::answer:
            cap = core::limits::dns_cache_ttl_max;
            break;
        // RFC 2308 §5: denials are cached like answers, for the TTL their SOA gives.
        case lookup_status::nxdomain:
        case lookup_status::nodata:
            cap = core::limits::dns_negative_ttl_max;
            break;
        case lookup_status::servfail:
        case lookup_status::timeout:
        case lookup_status::malformed:
            return std::nullopt;
    }
    const auto ttl = std::min(std::chrono::seconds{result.ttl}, cap);
    if (ttl <= std::chrono::seconds{0}) return std::nullopt;
    return std::chrono::duration_cast<core::duration>(ttl);
}

std::optional<lookup_result> answer_cache::find(std::string_view name, rr_type type, core::time_point now) {
    const auto it = entries_.find(key{key_name(name), type});
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires <= now) {
        erase(it);
        return std::nullopt;
    }
    lookup_result hit = it->second.result;
    hit.from_cache = true;
    hit.queries_sent = 0;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(it->second.expires - now);
    hit.ttl = static_cast<std::uint32_t>(left.count());
    return hit;
}

bool answer_cache::store(const lookup_result& result, core::time_point now) {
    const auto lifetime = cache_lifetime(result);
    if (!lifetime || entries_max_ == 0) return false;
    key k{key_name(result.name), result.type};
    if (const auto old = entries_.find(k); old != entries_.end()) erase(old);
    if (entries_.size() >= entries_max_) purge_expired(now);
    if (entries_.size() >= entries_max_) {
        // Full of live entries: the one that would go soonest anyway makes room.
        erase(entries_.find(by_expiry_.begin()->second));
    }
    const auto expires = now + *lifetime;
    entry e{result, expires};
    e.result.from_cache = false;
    by_expiry_.emplace(expires, k);
    entries_.emplace(std::move(k), std::move(e));
    return true;
}

void answer_cache::purge_expired(core::time_point now) {
    while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
        erase(entries_.find(by_expiry_.begin()->second));
    }
}

void answer_cache::erase(std::map<key, entry>::iterator it) {
    by_expiry_.erase({it->second.expires, it->first});
    entries_.erase(it);
}

}  // namespace sts::dns
