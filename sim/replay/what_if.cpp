// sim/replay/what_if.cpp
#include "sim/replay/what_if.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace sts::sim {

namespace {

struct key_values {
    std::string_view key;
    std::vector<std::string_view> values;
};

const std::vector<key_values>& known() {
    static const std::vector<key_values> keys = {
        {"profile.tls", {"no", "preferred", "required", "preferred-verify", "required-verify", "required-verify-hosted"}},
        {"profile.dane", {"none", "opportunistic", "mandatory"}},
        {"profile.mta_sts", {"on", "off"}},
        {"policy.mode", {"enforce", "testing", "none"}},
        {"policy.fetch", {"ok", "timeout"}},
        {"txt", {"present", "absent"}},
        {"mx.cert", {"valid", "expired", "mismatch", "untrusted", "self-signed"}},
        {"mx.starttls", {"on", "off"}},
        {"mx.tls_max", {"1.0", "1.1", "1.2", "1.3"}},
    };
    return keys;
}

std::string joined(const std::vector<std::string_view>& values) {
    std::string out;
    for (auto v : values) out += (out.empty() ? "" : " ") + std::string(v);
    return out;
}

}  // namespace

const std::string_view what_if_keys =
    "profile.tls profile.dane profile.mta_sts policy.mode policy.fetch txt mx.cert mx.starttls mx.tls_max";

core::result<what_if, std::string> parse_what_if(std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) return core::failure(fmt::format("--set {}: expected KEY=VALUE", text));
    const std::string key(text.substr(0, eq));
    const std::string value(text.substr(eq + 1));
    for (const auto& k : known()) {
        if (k.key != key) continue;
        if (std::find(k.values.begin(), k.values.end(), value) == k.values.end()) {
            return core::failure(fmt::format("--set {}: expected one of: {}", key, joined(k.values)));
        }
        return what_if{key, value};
    }
    return core::failure(fmt::format("--set {}: unknown key; expected one of: {}", key, what_if_keys));
}

inferred_world apply_what_if(inferred_world w, const what_if& c) {
    for (inferred_domain& d : w.domains) {
        if (c.key == "profile.tls") d.tls = c.value;
        if (c.key == "profile.dane") d.dane = c.value;
        if (c.key == "profile.mta_sts") d.mta_sts = c.value == "on";
        if (c.key == "policy.mode") {
            d.mode = c.value;
            if (d.mta_sts && d.txt == "absent") d.txt = "present";
        }
        if (c.key == "policy.fetch") {
            if (c.value == "ok") {
                if (d.fetch != "cached") d.fetch = "ok";
                d.proxy_fault.clear();
                d.policy_cert = cert_fault::none;
            } else {
                d.fetch = "timeout";
            }
        }
        if (c.key == "txt") d.txt = c.value;
        for (inferred_mx& m : d.mx) {
            if (c.key == "mx.cert") {
                m.cert = c.value == "valid"      ? cert_fault::none
                         : c.value == "expired"  ? cert_fault::expired
                         : c.value == "mismatch" ? cert_fault::name_mismatch
                         : c.value == "untrusted" ? cert_fault::untrusted
                                                  : cert_fault::self_signed;
            }
            if (c.key == "mx.starttls") {
                m.starttls = c.value == "on";
                if (m.starttls) {
                    m.starttls_reply.clear();
                    m.handshake_fails = false;
                }
            }
            if (c.key == "mx.tls_max") m.tls_max = c.value == "1.3" ? std::string() : c.value;
        }
    }
    w.facts.push_back({"what-if", fmt::format("{}={}", c.key, c.value), 0, "set on the command line"});
    return w;
}

}  // namespace sts::sim
