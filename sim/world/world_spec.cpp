#include "sim/world/world_spec.hpp"

namespace sts::sim {

const mocks::leaf_spec* world_spec::certificate_of(const std::string& host) const {
    for (const auto& s : smtp_hosts)
        if (s.host_name == host) return &s.cert;
    for (const auto& p : policy_hosts)
        if (p.host_name == host) return &p.cert;
    return nullptr;
}

}  // namespace sts::sim
