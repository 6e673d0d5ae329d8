#include "mocks/dns/server_config.hpp"

#include <fmt/format.h>

namespace sts::mocks {

std::string validate(const dns_server_config& config) {
    if (config.host_name.empty()) return "the server has no host name";
    if (config.listen.address.empty()) return "the server has no listen address";
    if (!config.serve_udp && !config.serve_tcp) return "the server serves neither UDP nor TCP";
    if (auto z = zone::build(config.zone); !z) return "zone: " + z.error();
    for (std::size_t i = 0; i < config.faults.size(); ++i) {
        if (!canonical_name(config.faults[i].name)) {
            return fmt::format("fault {} ({}): the name does not parse", i + 1, config.faults[i].name);
        }
        if (config.faults[i].delay.count() < 0) return fmt::format("fault {}: the delay is negative", i + 1);
    }
    if (config.answers.udp_payload_bytes_max < dns_udp_bytes_classic) {
        return fmt::format("the UDP payload limit is below {} bytes (RFC 6891 §6.2.5)",
                           dns_udp_bytes_classic);
    }
    if (config.tcp_connections_max == 0 || config.tcp_queries_per_connection_max == 0 ||
        config.tcp_pipelined_queries_max == 0 || config.tcp_query_bytes_max == 0 ||
        config.tcp_idle_timeout.count() <= 0 || config.pending_replies_max == 0 ||
        config.query_log_entries_max == 0) {
        return "a bound is zero";
    }
    return {};
}

}  // namespace sts::mocks
