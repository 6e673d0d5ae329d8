#include "engine/dns/resolver.hpp"

namespace sts::dns {

std::string_view to_string(lookup_status s) {
    switch (s) {
        case lookup_status::answer:
            return "answer";
        case lookup_status::nodata:
            return "nodata";
        case lookup_status::nxdomain:
            return "nxdomain";
        case lookup_status::servfail:
            return "servfail";
        case lookup_status::timeout:
            return "timeout";
        case lookup_status::malformed:
            return "malformed";
    }
    return "unknown";
}

std::string_view to_string(dnssec_status s) {
    switch (s) {
        case dnssec_status::insecure:
            return "insecure";
        case dnssec_status::secure:
            return "secure";
        case dnssec_status::bogus:
            return "bogus";
    }
    return "unknown";
}

}  // namespace sts::dns
