// sim/replay/scenario_writer.cpp
#include "sim/replay/scenario_writer.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

namespace sts::sim {

namespace {

// A TOML string with every escape it needs (toml++ writes it). toml++ 3.3 writes text with
// a line break as a multi-line literal string ('''...'''), which ends early when the text
// itself holds ''' and cannot hold a lone CR (peer text may have either): such text is
// written here as a basic string instead.
std::string quoted(std::string_view s) {
    if (s.find("'''") != std::string_view::npos || s.find('\r') != std::string_view::npos) {
        std::string basic = "\"";
        for (const char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\') {
                basic += '\\';
                basic += ch;
            } else if (c == '\n') {
                basic += "\\n";
            } else if (c < 0x20 || c == 0x7f) {
                basic += fmt::format("\\u{:04X}", c);
            } else {
                basic += ch;
            }
        }
        return basic + "\"";
    }
    std::ostringstream out;
    out << toml::value<std::string>(std::string(s));
    return out.str();
}

std::string duration_text(core::duration d) {
    const auto ms = d.count();
    if (ms % 1000 == 0) return fmt::format("\"{}s\"", ms / 1000);
    return fmt::format("\"{}ms\"", ms);
}

std::string time_text(core::time_point t) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(t));
}

std::string stem(std::string_view file) {
    std::string s(file);
    if (const auto slash = s.find_last_of("/\\"); slash != std::string::npos) s = s.substr(slash + 1);
    if (const auto dot = s.rfind('.'); dot != std::string::npos && dot > 0) s = s.substr(0, dot);
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
    return out.empty() ? std::string("trace") : out;
}

// A comment line never ends early: newlines in peer text become spaces.
std::string comment(std::string_view text) {
    std::string out;
    for (char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

std::string cert_table(cert_fault f, const std::string& key, const std::string& other_name) {
    std::vector<std::string> parts;
    switch (f) {
        case cert_fault::none: break;
        case cert_fault::name_mismatch: parts.push_back(fmt::format("names = [{}]", quoted(other_name))); break;
        case cert_fault::expired: parts.push_back("not_after = \"-1d\""); break;
        case cert_fault::not_yet_valid: parts.push_back("not_before = \"1d\""); break;
        case cert_fault::untrusted: parts.push_back("issuer = \"untrusted\""); break;
        case cert_fault::self_signed: parts.push_back("issuer = \"self-signed\""); break;
    }
    if (key != "ec-p256") parts.push_back(fmt::format("key = {}", quoted(key)));
    if (parts.empty()) return {};
    std::string out = "cert = { ";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out + " }\n";
}

// A policy body that the engine rejects with the detail the trace showed, where we know one.
std::string invalid_body(const inferred_domain& d, const std::string& mx_lines) {
    const std::string& why = d.invalid_detail;
    if (why.find("no version line") != std::string::npos) return "mode: enforce\n" + mx_lines + "max_age: 86400\n";
    if (why.find("no mode line") != std::string::npos) return "version: STSv1\n" + mx_lines + "max_age: 86400\n";
    if (why.find("no max_age line") != std::string::npos) return "version: STSv1\nmode: enforce\n" + mx_lines;
    for (std::string_view mode : {"enforce", "testing", "none"}) {
        if (why.find(fmt::format("mode {} needs at least one mx", mode)) != std::string::npos) {
            return fmt::format("version: STSv1\nmode: {}\nmax_age: 86400\n", mode);
        }
    }
    return "version: STSv1\nmode: bogus\n" + mx_lines + "max_age: 86400\n";
}

// `smtp_hosts` counts the [smtp] tables written so far: the world numbers them in file
// order (10.25.0.N), which DNSSEC-secure A records must name.
void write_domain(std::string& out, const inferred_domain& d, const std::string& proxy_name, std::size_t& smtp_hosts) {
    out += fmt::format("\n# ---- {} ----\n[profile.{}]\ntls = {}\n", d.name, quoted(d.name), quoted(d.tls));
    if (d.dane != "none") out += fmt::format("dane = {}\n", quoted(d.dane));
    if (d.mta_sts) out += "mta_sts = true\n";
    if (d.proxy) out += fmt::format("proxy = {}\n", quoted(proxy_name));

    const std::string dnssec = d.dnssec_mx ? "dnssec = \"secure\"\n" : "";
    if (d.mx_lookup == "servfail") {
        out += fmt::format("\n[[dns]]\nname = {}\ntype = \"MX\"\nfault = \"servfail\"\n", quoted(d.name));
    } else if (d.mx_lookup == "null") {
        out += fmt::format("\n[[dns]]\nname = {}\ntype = \"MX\"\ndata = \"0 .\"\n", quoted(d.name));
    } else if (d.mx_lookup.empty() && !d.routed) {
        for (std::size_t i = 0; i < d.mx.size(); ++i) {
            out += fmt::format("\n[[dns]]\nname = {}\ntype = \"MX\"\ndata = {}\n{}", quoted(d.name),
                               quoted(fmt::format("{} {}", 10 * (i + 1), d.mx[i].host)), dnssec);
        }
    }
    // Hosts that refuse connections: their name points at an address nobody listens on.
    std::size_t unreachable = 0;
    for (const auto& m : d.mx) {
        if (m.reachable) continue;
        out += fmt::format("\n[[dns]]\nname = {}\ntype = \"A\"\ndata = \"10.99.0.{}\"\n{}", quoted(m.host), ++unreachable, dnssec);
    }
    if (d.dnssec_mx) {
        std::size_t k = smtp_hosts;
        for (const auto& m : d.mx) {
            if (!m.reachable) continue;
            out += fmt::format("\n[[dns]]\nname = {}\ntype = \"A\"\ndata = \"10.25.0.{}\"\ndnssec = \"secure\"\n", quoted(m.host), ++k);
            if (d.dane_usable) {
                out += fmt::format("\n[[dns]]\nname = {}\ntype = \"TLSA\"\ndata = {}\ndnssec = \"secure\"\n",
                                   quoted("_25._tcp." + m.host), quoted("3 1 1 cert:" + m.host));
            }
        }
    }
    if (d.mta_sts && d.txt != "absent") {
        if (d.txt == "servfail") {
            out += fmt::format("\n[[dns]]\nname = {}\ntype = \"TXT\"\nfault = \"servfail\"\n", quoted("_mta-sts." + d.name));
        } else if (d.txt == "multiple") {
            out += fmt::format("\n[[dns]]\nname = {}\ntype = \"TXT\"\ndata = {}\n", quoted("_mta-sts." + d.name),
                               quoted(fmt::format("v=STSv1; id={};", d.txt_id)));
            out += fmt::format("\n[[dns]]\nname = {}\ntype = \"TXT\"\ndata = {}\n", quoted("_mta-sts." + d.name),
                               quoted(fmt::format("v=STSv1; id={}b;", d.txt_id)));
        } else {
            const std::string text = d.txt == "invalid" ? "v=STSv1; id=not valid!;" : fmt::format("v=STSv1; id={};", d.txt_id);
            out += fmt::format("\n[[dns]]\nname = {}\ntype = \"TXT\"\ndata = {}\n", quoted("_mta-sts." + d.name), quoted(text));
        }
    }
    if (d.mta_sts) {
        std::string mx_lines;
        for (const auto& m : d.mx) {
            if (m.listed_in_policy) mx_lines += "mx: " + m.host + "\n";
        }
        if (mx_lines.empty()) mx_lines = "mx: mx.elsewhere." + d.name + "\n";
        out += fmt::format("\n[policy_host.{}]\n", quoted(d.name));
        if (d.fetch == "invalid") {
            out += fmt::format("body = {}\n", quoted(invalid_body(d, mx_lines)));
        } else {
            out += fmt::format("body = {}\n", quoted(fmt::format("version: STSv1\nmode: {}\n{}max_age: {}\n", d.mode, mx_lines, d.max_age)));
        }
        if (d.fetch == "timeout") out += "fault = \"stall-before-tls\"\n";
        if (d.fetch == "failed") out += "fault = \"reset\"\n";
        if (d.fetch == "status") out += fmt::format("status = {}\n", d.http_status);
        if (d.fetch == "status" && d.http_status >= 300 && d.http_status < 400) {
            out += fmt::format("location = {}\n", quoted("https://mta-sts." + d.name + "/elsewhere"));
        }
        if (d.fetch == "content-type") {
            out += d.content_type == "-" ? "content_type = false\n" : fmt::format("content_type = {}\n", quoted(d.content_type));
        }
        if (d.fetch == "cert") out += cert_table(d.policy_cert, "ec-p256", "www." + d.name);
        if (d.fetch == "dns") {
            out += fmt::format("\n[[dns]]\nname = {}\ntype = \"A\"\nfault = \"nxdomain\"\n", quoted("mta-sts." + d.name));
        }
    }
    for (const auto& m : d.mx) {
        if (!m.reachable) continue;
        ++smtp_hosts;
        out += fmt::format("\n[smtp.{}]\n", quoted(m.host));
        if (!m.trace_address.empty()) out += fmt::format("# {} in the trace\n", comment(m.trace_address));
        if (!m.starttls) out += "starttls = false\n";
        if (!m.starttls_reply.empty()) out += fmt::format("starttls_reply = {}\n", quoted(m.starttls_reply));
        if (m.handshake_fails) out += "handshake = \"close-after-reply\"\n";
        if (!m.tls_max.empty()) out += fmt::format("tls_max = {}\n", quoted(m.tls_max));
        out += cert_table(m.cert, m.key, "mx.elsewhere.test");
        std::vector<std::string> replies;
        const bool always_fails = m.final_reply.empty() && !m.failing_replies.empty();
        for (std::size_t k = 0; k < m.failing_replies.size(); ++k) {
            replies.push_back(fmt::format("{{ step = {}, reply = {}{} }}", quoted(m.failing_replies[k].first),
                                          quoted(m.failing_replies[k].second),
                                          always_fails ? std::string() : fmt::format(", occurrence = {}", k + 1)));
            if (always_fails) break;
        }
        if (!m.final_reply.empty()) replies.push_back(fmt::format("{{ step = \"end-of-data\", reply = {} }}", quoted(m.final_reply)));
        if (!replies.empty()) {
            out += "replies = [\n";
            for (const auto& r : replies) out += "  " + r + ",\n";
            out += "]\n";
        }
    }
    if (d.routed) {
        out += fmt::format("\n[route.{}]\nhosts = [", quoted(d.name));
        for (std::size_t i = 0; i < d.mx.size(); ++i) out += (i ? ", " : "") + quoted(d.mx[i].host);
        out += "]\n";
    }
}

}  // namespace

core::time_point scenario_start(const inferred_world& w) { return w.warm_cache ? w.start - warm_up_lead : w.start; }

std::string write_scenario(const inferred_world& w) {
    std::string out;
    out += fmt::format("# Written by `mtasts-sim replay` from {}: the world inferred from that trace.\n", comment(w.source));
    out += "# What the trace shows (line: fact):\n";
    for (const auto& f : w.facts) {
        out += fmt::format("#   {}: {} = {} ({})\n", f.line ? fmt::format("line {}", f.line) : std::string("default"),
                           comment(f.subject), comment(f.value), comment(f.why));
    }
    if (!w.open_choices.empty()) {
        out += "# Choices the trace leaves open:\n";
        for (const auto& c : w.open_choices) out += "#   " + comment(c) + "\n";
    }
    out += fmt::format("\n[scenario]\nname = {}\nsummary = {}\nstart = {}\nseed = 1\n", quoted("traces/" + stem(w.source)),
                       quoted("replay of " + comment(w.source)), time_text(scenario_start(w)));

    const bool any_proxy = std::any_of(w.domains.begin(), w.domains.end(), [](const inferred_domain& d) { return d.proxy; });
    out += fmt::format("\n[engine]\nlog_level = {}\n", quoted(w.log_level));
    if (!w.retry.empty()) {
        out += "retry = [";
        for (std::size_t i = 0; i < w.retry.size(); ++i) out += (i ? ", " : "") + duration_text(w.retry[i]);
        out += "]\n";
    }
    if (w.queue_lifetime) out += fmt::format("queue_lifetime = {}\n", duration_text(*w.queue_lifetime));
    if (w.txt_defers) out += "txt_temp_error = \"defer\"\n";

    const std::string proxy_name = "proxy.gateway.test";
    if (any_proxy) {
        std::string fault;
        for (const auto& d : w.domains) {
            if (!d.proxy_fault.empty()) fault = d.proxy_fault;
        }
        out += fmt::format("\n[proxy.{}]\n", quoted(proxy_name));
        if (!fault.empty()) out += fmt::format("fault = {}\n", quoted(fault));
    }
    std::size_t smtp_hosts = 0;
    for (const auto& d : w.domains) write_domain(out, d, proxy_name, smtp_hosts);

    // The story: warm-up, then each message at its time, then on to the trace's end.
    core::duration now{};
    if (w.warm_cache) {
        for (const auto& d : w.domains) {
            if (d.fetch != "cached") continue;
            out += fmt::format("\n[[step]]  # warm-up: the gateway had fetched {}'s policy before the trace\nsend = {{ from = \"warmup@gateway.test\", to = [{}] }}\n",
                               d.name, quoted("warmup@" + d.name));
        }
        out += "\n[[step]]\nadvance = \"1m\"\n\n[[step]]\nrestart = true\n";
        out += fmt::format("\n[[step]]\nadvance = {}\n", duration_text(warm_up_lead - std::chrono::minutes{1}));
    }
    std::vector<const inferred_message*> order;
    for (const auto& m : w.messages) order.push_back(&m);
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->offset < b->offset; });
    for (const auto* m : order) {
        if (m->offset > now) {
            out += fmt::format("\n[[step]]\nadvance = {}\n", duration_text(m->offset - now));
            now = m->offset;
        }
        out += fmt::format("\n[[step]]  # MID {} in the trace\nsend = {{ from = {}, to = [", m->trace_mid, quoted(m->sender));
        for (std::size_t i = 0; i < m->recipients.size(); ++i) out += (i ? ", " : "") + quoted(m->recipients[i]);
        out += "] }\n";
    }
    // One second past the last line, so what happened at its instant has happened.
    out += fmt::format("\n[[step]]\nadvance = {}\n", duration_text(w.span - now + std::chrono::seconds{1}));

    for (const auto* m : order) {
        for (const auto& r : m->recipients) {
            out += fmt::format("\n[[expect]]\nrecipient = {}\noutcome = {}\n", quoted(r), quoted(m->outcome));
        }
    }
    out += "\n[[expect]]\nconserved = true\n";
    return out;
}

}  // namespace sts::sim
