#include "sim/world/world_loader.hpp"

#include "sim/toml/table_reader.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

namespace sts::sim {

namespace {

using mocks::leaf_spec;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::size_t line_of(const toml::node& n) { return static_cast<std::size_t>(n.source().begin.line); }

// Names and values of an enum as a file spells them: choice() needs the spellings, and
// the value follows from the position.
template <class E>
struct spelling {
    std::string_view text;
    E value;
};

template <class E>
std::optional<E> read_enum(table_reader& r, std::string_view key, const std::vector<spelling<E>>& table,
                           bool required = false) {
    std::vector<std::string_view> names;
    for (const auto& s : table) names.push_back(s.text);
    const auto text = r.choice(key, names, required);
    if (!text) return std::nullopt;
    for (const auto& s : table)
        if (s.text == *text) return s.value;
    return std::nullopt;
}

const std::vector<spelling<mocks::tls_version>> tls_versions = {
    {"1.0", mocks::tls_version::tls1_0},
    {"1.1", mocks::tls_version::tls1_1},
    {"1.2", mocks::tls_version::tls1_2},
    {"1.3", mocks::tls_version::tls1_3},
};

// The table of `key` when present and a table, else nullptr (an error is recorded when
// it is not a table). Entries of inline tables are read with a reader of their own.
table_reader sub_reader(table_reader& r, const toml::table& t, std::string_view key) {
    return table_reader(t, r.key_path(key), r.file(), r.errors());
}

// A certificate validity bound: a signed duration from the world's start ("-1d") or a
// date-time.
std::optional<core::time_point> read_validity(table_reader& r, const toml::table& t, std::string_view key,
                                              core::time_point start) {
    const auto* node = t.get(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* s = node->as_string(); s != nullptr && parse_duration(s->get(), true)) {
        const auto d = r.duration(key, true);
        return d ? std::optional(start + *d) : std::nullopt;
    }
    // Anything else must be a date-time; the reader says so when it is not.
    return r.time(key);
}

// cert = { names = [...], cn = "...", not_before = "-1d", not_after = "30d", issuer = ...,
//          intermediates = 1, pathlen = 0, key = ..., usage = ..., send_intermediates = true,
//          key_label = ... }
leaf_spec read_cert(table_reader& parent, std::string_view key, std::vector<std::string> default_names,
                    core::time_point start) {
    leaf_spec spec;
    spec.dns_names = std::move(default_names);
    const auto* t = parent.table(key);
    if (t == nullptr) return spec;
    auto r = sub_reader(parent, *t, key);
    if (auto names = r.text_list("names")) spec.dns_names = std::move(*names);
    // padding_names = N: N names that match nothing (pad1.sans.invalid ...) before the
    // listed ones, so the right name comes last in a huge SAN list.
    if (auto v = r.integer("padding_names", 1, static_cast<std::int64_t>(mocks::leaf_dns_names_max))) {
        std::vector<std::string> padded;
        padded.reserve(static_cast<std::size_t>(*v) + spec.dns_names.size());
        for (std::int64_t i = 1; i <= *v; ++i) padded.push_back(fmt::format("pad{}.sans.invalid", i));
        padded.insert(padded.end(), spec.dns_names.begin(), spec.dns_names.end());
        spec.dns_names = std::move(padded);
    }
    spec.common_name = r.text("cn");
    if (auto v = read_validity(r, *t, "not_before", start)) spec.not_before = *v;
    if (auto v = read_validity(r, *t, "not_after", start)) spec.not_after = *v;
    if (auto v = read_enum<mocks::issuer_kind>(r, "issuer",
                                               {{"intermediate", mocks::issuer_kind::intermediate},
                                                {"root", mocks::issuer_kind::root},
                                                {"untrusted", mocks::issuer_kind::untrusted_root},
                                                {"self-signed", mocks::issuer_kind::self_signed},
                                                {"interception", mocks::issuer_kind::interception}}))
        spec.issuer = *v;
    if (auto v = r.integer("intermediates", 1, mocks::leaf_intermediate_count_max))
        spec.intermediate_count = static_cast<int>(*v);
    if (auto v = read_enum<mocks::key_type>(r, "key",
                                            {{"ec-p256", mocks::key_type::ec_p256},
                                             {"rsa-2048", mocks::key_type::rsa_2048},
                                             {"rsa-1024", mocks::key_type::rsa_1024}}))
        spec.key = *v;
    if (auto v = read_enum<mocks::usage_profile>(
            r, "usage",
            {{"tls-server", mocks::usage_profile::tls_server},
             {"no-digital-signature", mocks::usage_profile::no_digital_signature},
             {"cert-sign-only", mocks::usage_profile::cert_sign_only},
             {"client-auth-only", mocks::usage_profile::client_auth_only}}))
        spec.usage = *v;
    if (auto v = r.integer("pathlen", 0, mocks::leaf_intermediate_count_max))
        spec.top_intermediate_path_length = static_cast<int>(*v);
    if (auto v = r.boolean("send_intermediates")) spec.include_intermediates = *v;
    if (auto v = r.text("key_label")) spec.key_label = *v;
    if (auto v = r.text("ocsp")) spec.ocsp_url = *v;
    if (auto v = r.text("crl")) spec.crl_url = *v;
    r.finish();
    if (const auto problem = mocks::validate(spec); !problem.empty()) parent.error(key, problem);
    return spec;
}

void read_tls_caps(table_reader& r, mocks::tls_server_config& tls) {
    if (auto v = read_enum(r, "tls_min", tls_versions)) tls.min_version = *v;
    if (auto v = read_enum(r, "tls_max", tls_versions)) tls.max_version = *v;
    if (auto v = r.boolean("strict_sni")) tls.strict_sni = *v;
    if (tls.min_version > tls.max_version) r.error("tls_min", "expected a version no higher than tls_max");
}

// ---- [world] ---------------------------------------------------------------------------

void read_settings(const toml::table& root, const std::string& file, input_errors& errors, world_settings& out) {
    const auto* node = root.get("world");
    if (node == nullptr) return;
    table_reader top(root, "", file, errors);
    const auto* t = top.table("world");
    if (t == nullptr) return;
    table_reader r(*t, "world", file, errors);
    if (auto v = r.time("start")) out.start = *v;
    if (auto v = r.integer("seed", 0, std::numeric_limits<std::int64_t>::max())) out.seed = static_cast<std::uint64_t>(*v);
    if (auto v = r.duration("latency")) out.latency = *v;
    r.finish();
}

// ---- [profile."<domain>"] ----------------------------------------------------------------

void read_profiles(const toml::table& t, const std::string& file, input_errors& errors, world_spec& out) {
    tls::profile_table check;
    for (const auto& entry : t) {
        const std::string key(entry.first.str());
        table_reader parent(t, "profile", file, errors);
        const auto* pt = parent.table(key);
        if (pt == nullptr) continue;
        table_reader r(*pt, parent.key_path(key), file, errors);
        tls::profile p;
        std::vector<spelling<tls::tls_setting>> tls_names;
        for (auto s : {tls::tls_setting::no, tls::tls_setting::preferred, tls::tls_setting::required,
                       tls::tls_setting::preferred_verify, tls::tls_setting::required_verify,
                       tls::tls_setting::required_verify_hosted})
            tls_names.push_back({tls::to_string(s), s});
        std::vector<spelling<tls::dane_setting>> dane_names;
        for (auto s : {tls::dane_setting::none, tls::dane_setting::opportunistic, tls::dane_setting::mandatory})
            dane_names.push_back({tls::to_string(s), s});
        if (auto v = read_enum(r, "tls", tls_names, true)) p.tls = *v;
        if (auto v = read_enum(r, "dane", dane_names)) p.dane = *v;
        if (auto v = r.boolean("mta_sts")) p.mta_sts = *v;
        if (auto v = r.text("proxy")) out.engine.profile_proxies[lower(key)] = lower(*v);
        r.finish();
        if (auto finding = check.add(key, p))
            parent.error(key, fmt::format("expected \"default\", a domain or \".domain\": {}", finding->rule));
        out.profiles.emplace(key, p);
    }
}

// ---- [engine] and [route."<domain>"] ------------------------------------------------------

void read_engine(table_reader& top, engine_spec& out) {
    const auto* t = top.table("engine");
    if (t == nullptr) return;
    table_reader r(*t, "engine", top.file(), top.errors());
    if (auto v = read_enum<log::level>(r, "log_level", {{"info", log::level::info}, {"debug", log::level::debug}}))
        out.log_level = *v;
    if (auto v = read_enum<tls::route_semantics>(r, "route_mode",
                                                 {{"gateway", tls::route_semantics::gateway_bypass},
                                                  {"smart-host", tls::route_semantics::rfc8461_smart_host}}))
        out.route_mode = *v;
    if (auto v = r.text("proxy")) out.proxy = lower(*v);
    if (auto v = r.duration("queue_lifetime")) out.queue_lifetime = *v;
    if (r.has("retry")) {
        if (const auto* a = r.array("retry")) {
            std::size_t i = 0;
            for (const auto& item : *a) {
                const auto* text = item.as_string();
                const auto d = text != nullptr ? parse_duration(text->get(), false) : std::nullopt;
                if (!d || d->count() <= 0) {
                    r.error("retry", fmt::format("expected item {} to be a positive duration such as \"5m\"", i));
                    break;
                }
                out.retry_delays.push_back(*d);
                ++i;
            }
        }
    }
    if (auto v = r.integer("concurrency", 1, 10'000)) out.concurrency = static_cast<std::size_t>(*v);
    if (auto v = read_enum<mtasts::txt_error_handling>(r, "txt_temp_error",
                                                       {{"proceed", mtasts::txt_error_handling::proceed},
                                                        {"defer", mtasts::txt_error_handling::defer}}))
        out.txt_temp_error = *v;
    if (const auto* reporting = r.table("tlsrpt")) {
        auto tr = sub_reader(r, *reporting, "tlsrpt");
        tlsrpt_reporting_spec spec;
        if (auto v = tr.text("organization")) spec.organization = *v;
        if (auto v = tr.text("contact")) {
            if (v->find('@') == std::string::npos || v->front() == '@' || v->back() == '@')
                tr.error("contact", "expected an address such as \"tlsrpt@gateway.test\"");
            else
                spec.contact = *v;
        }
        if (auto v = tr.duration("send_delay")) spec.send_delay = *v;
        if (auto v = tr.boolean("dkim")) spec.dkim = *v;
        if (auto v = tr.text("dkim_selector")) spec.dkim_selector = *v;
        tr.finish();
        out.tlsrpt = std::move(spec);
    }
    r.finish();
}

void read_routes(table_reader& top, engine_spec& out) {
    const auto* t = top.table("route");
    if (t == nullptr) return;
    table_reader parent(*t, "route", top.file(), top.errors());
    for (const auto& entry : *t) {
        const std::string key(entry.first.str());
        const auto* rt = parent.table(key);
        if (rt == nullptr) continue;
        table_reader r(*rt, parent.key_path(key), top.file(), top.errors());
        route_spec route;
        route.domain = lower(key);
        if (auto hosts = r.text_list("hosts", true)) {
            for (const auto& h : *hosts) {
                route_spec::hop hop;
                const auto colon = h.rfind(':');
                hop.host = lower(h.substr(0, colon));
                if (colon != std::string::npos) {
                    unsigned port = 0;
                    const auto* b = h.data() + colon + 1;
                    const auto* e = h.data() + h.size();
                    const auto [p, ec] = std::from_chars(b, e, port);
                    if (ec != std::errc() || p != e || port == 0 || port > 65535) {
                        r.error("hosts", fmt::format("expected \"host\" or \"host:port\" with a port 1-65535, got \"{}\"", h));
                        continue;
                    }
                    hop.port = static_cast<std::uint16_t>(port);
                }
                if (hop.host.empty()) {
                    r.error("hosts", "expected a non-empty host name");
                    continue;
                }
                route.hops.push_back(std::move(hop));
            }
            if (hosts->empty()) r.error("hosts", "expected at least one host");
        }
        r.finish();
        out.routes.push_back(std::move(route));
    }
}

// ---- [[dns]] -------------------------------------------------------------------------------

std::optional<std::uint8_t> small_number(std::string_view text, unsigned max) {
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v > max) return std::nullopt;
    return static_cast<std::uint8_t>(v);
}

std::vector<std::string_view> fields_of(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        const auto begin = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > begin) out.push_back(text.substr(begin, i - begin));
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> hex_bytes(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        unsigned v = 0;
        const auto [p, ec] = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
        if (ec != std::errc() || p != text.data() + i + 2) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

bool is_name(std::string_view text) { return mocks::canonical_name(text).has_value(); }

struct parsed_rdata {
    std::optional<dns::rdata> data;
    std::optional<tlsa_reference> reference;
    std::string expected;  // set when the data does not parse
};

parsed_rdata parse_rdata(dns::rr_type type, std::string_view text) {
    parsed_rdata out;
    const auto f = fields_of(text);
    switch (type) {
        case dns::rr_type::a: {
            boost::system::error_code ec;
            const auto a = boost::asio::ip::make_address_v4(std::string(text), ec);
            if (ec) out.expected = "an IPv4 address such as \"192.0.2.1\"";
            else out.data = dns::a_rdata{a.to_string()};
            break;
        }
        case dns::rr_type::aaaa: {
            boost::system::error_code ec;
            const auto a = boost::asio::ip::make_address_v6(std::string(text), ec);
            if (ec) out.expected = "an IPv6 address such as \"2001:db8::1\"";
            else out.data = dns::aaaa_rdata{a.to_string()};
            break;
        }
        case dns::rr_type::cname:
        case dns::rr_type::ns:
            if (f.size() != 1 || !is_name(f[0])) out.expected = "one domain name";
            else if (type == dns::rr_type::cname) out.data = dns::cname_rdata{std::string(f[0])};
            else out.data = dns::ns_rdata{std::string(f[0])};
            break;
        case dns::rr_type::mx: {
            unsigned pref = 0;
            const bool ok = f.size() == 2 &&
                            std::from_chars(f[0].data(), f[0].data() + f[0].size(), pref).ptr ==
                                f[0].data() + f[0].size() &&
                            pref <= 65535 && is_name(f[1]);
            if (!ok) out.expected = "\"<preference 0-65535> <host>\", such as \"10 mx1.example.test\"";
            else out.data = dns::mx_rdata{static_cast<std::uint16_t>(pref), std::string(f[1])};
            break;
        }
        case dns::rr_type::txt: {
            // RFC 1035 §3.3.14: one character-string holds at most 255 bytes; a longer
            // string is split the way zone-file tools split it.
            dns::txt_rdata txt;
            for (std::size_t i = 0; i < text.size() || i == 0; i += 255) {
                txt.strings.emplace_back(text.substr(i, 255));
                if (text.empty()) break;
            }
            out.data = std::move(txt);
            break;
        }
        case dns::rr_type::tlsa: {
            const auto usage = f.size() == 4 ? small_number(f[0], 255) : std::nullopt;
            const auto selector = f.size() == 4 ? small_number(f[1], 255) : std::nullopt;
            const auto matching = f.size() == 4 ? small_number(f[2], 255) : std::nullopt;
            if (!usage || !selector || !matching) {
                out.expected = "\"<usage> <selector> <matching> <hex>\" or \"<usage> <selector> <matching> cert:<host>\"";
                break;
            }
            if (f[3].starts_with("top-ca:")) {
                if (*usage != 2 || *selector > 1 || *matching > 2) {
                    out.expected = "usage 2, selector 0 or 1 and matching type 0, 1 or 2 with top-ca:<host>";
                    break;
                }
                out.reference = tlsa_reference{lower(std::string(f[3].substr(7))), true, mocks::tlsa_usage{*usage},
                                               mocks::tlsa_selector{*selector}, mocks::tlsa_matching{*matching}};
                out.data = dns::tlsa_rdata{*usage, *selector, *matching, {}};
                break;
            }
            if (f[3].starts_with("cert:")) {
                if ((*usage != 2 && *usage != 3) || *selector > 1 || *matching > 2) {
                    out.expected = "usage 2 or 3, selector 0 or 1 and matching type 0, 1 or 2 with cert:<host>";
                    break;
                }
                out.reference = tlsa_reference{lower(std::string(f[3].substr(5))), false, mocks::tlsa_usage{*usage},
                                               mocks::tlsa_selector{*selector}, mocks::tlsa_matching{*matching}};
                out.data = dns::tlsa_rdata{*usage, *selector, *matching, {}};
                break;
            }
            auto bytes = hex_bytes(f[3]);
            if (!bytes) out.expected = "the association data in hexadecimal, or cert:<host>";
            else out.data = dns::tlsa_rdata{*usage, *selector, *matching, std::move(*bytes)};
            break;
        }
        case dns::rr_type::soa: {
            dns::soa_rdata soa;
            std::uint32_t* numbers[] = {&soa.serial, &soa.refresh, &soa.retry, &soa.expire, &soa.minimum};
            bool ok = f.size() == 7 && is_name(f[0]) && is_name(f[1]);
            for (std::size_t i = 0; ok && i < 5; ++i) {
                const auto& s = f[2 + i];
                ok = std::from_chars(s.data(), s.data() + s.size(), *numbers[i]).ptr == s.data() + s.size();
            }
            if (!ok) {
                out.expected = "\"<mname> <rname> <serial> <refresh> <retry> <expire> <minimum>\"";
            } else {
                soa.mname = std::string(f[0]);
                soa.rname = std::string(f[1]);
                out.data = soa;
            }
            break;
        }
        default: out.expected = "a supported type"; break;
    }
    return out;
}

const std::vector<spelling<dns::rr_type>> rr_types = {
    {"A", dns::rr_type::a},       {"AAAA", dns::rr_type::aaaa}, {"CNAME", dns::rr_type::cname},
    {"MX", dns::rr_type::mx},     {"TXT", dns::rr_type::txt},   {"TLSA", dns::rr_type::tlsa},
    {"NS", dns::rr_type::ns},     {"SOA", dns::rr_type::soa},
};

const std::vector<spelling<mocks::dnssec_status>> dnssec_names = {
    {"insecure", mocks::dnssec_status::insecure},
    {"secure", mocks::dnssec_status::secure},
    {"bogus", mocks::dnssec_status::bogus},
};

dns_entry read_dns_entry(table_reader& r, const toml::table& t) {
    dns_entry e;
    e.line = line_of(t);
    const auto name = r.text("name", true);
    if (name && !is_name(*name)) r.error("name", fmt::format("expected a domain name, found \"{}\"", *name));
    const auto type = read_enum(r, "type", rr_types);
    const auto ttl = r.integer("ttl", 0, 2'147'483'647);  // RFC 2181 §8
    const auto status = read_enum(r, "dnssec", dnssec_names);
    const auto fault_kind = read_enum<mocks::dns_fault_kind>(
        r, "fault",
        {{"none", mocks::dns_fault_kind::none},
         {"nxdomain", mocks::dns_fault_kind::nxdomain},
         {"nodata", mocks::dns_fault_kind::nodata},
         {"servfail", mocks::dns_fault_kind::servfail},
         {"refused", mocks::dns_fault_kind::refused},
         {"drop", mocks::dns_fault_kind::drop},
         {"truncate", mocks::dns_fault_kind::truncate},
         {"wrong-id", mocks::dns_fault_kind::wrong_id},
         {"wrong-id-then-answer", mocks::dns_fault_kind::wrong_id_then_answer},
         {"garbage", mocks::dns_fault_kind::garbage},
         {"truncate-always", mocks::dns_fault_kind::truncate_always},
         {"compression-loop", mocks::dns_fault_kind::compression_loop}});
    const auto occurrence = r.integer("occurrence", 0, 1'000'000);
    const auto delay = r.duration("delay");
    const auto transport = read_enum<mocks::dns_transport>(
        r, "transport", {{"udp", mocks::dns_transport::udp}, {"tcp", mocks::dns_transport::tcp}});
    const auto denial = read_enum(r, "denial_dnssec", dnssec_names);
    const bool faulty = fault_kind || delay;

    // data: a string, or for TXT an array of character-strings.
    const auto* data_node = t.get("data");
    // data_repeat: the TXT data said that many times over in one record, so a hostile
    // 64 KiB record needs no 64 KiB file.
    const auto data_repeat = r.integer("data_repeat", 1, static_cast<std::int64_t>(dns_txt_rdata_bytes_max));
    if (data_repeat && (!type || *type != dns::rr_type::txt || data_node == nullptr))
        r.error("data_repeat", "expected only on a TXT record with data");
    const bool txt_data = type && *type == dns::rr_type::txt;
    const std::size_t times = txt_data ? static_cast<std::size_t>(data_repeat.value_or(1)) : 1;
    std::optional<dns::rdata> rdata;
    if (data_node != nullptr && type) {
        if (*type == dns::rr_type::txt && data_node->is_array()) {
            if (auto strings = r.text_list("data")) {
                for (const auto& s : *strings)
                    if (s.size() > 255)
                        r.error("data", "expected character-strings of at most 255 bytes (RFC 1035 §3.3.14)");
                if (strings->empty()) r.error("data", "expected at least one character-string");
                // With an array only the last character-string is repeated, so a valid
                // record ("v=STSv1; id=1; x=" first) can carry kilobytes of filler.
                std::size_t rdata_bytes = 0;
                for (const auto& s : *strings) rdata_bytes += s.size() + 1;
                if (!strings->empty()) rdata_bytes += (times - 1) * (strings->back().size() + 1);
                if (rdata_bytes > dns_txt_rdata_bytes_max) {
                    r.error("data_repeat", fmt::format("expected RDATA of at most {} bytes, this makes {}",
                                                       dns_txt_rdata_bytes_max, rdata_bytes));
                } else if (!strings->empty()) {
                    const auto last = strings->back();
                    for (std::size_t i = 1; i < times; ++i) strings->push_back(last);
                }
                rdata = dns::txt_rdata{std::move(*strings)};
            }
        } else if (auto given = r.text("data")) {
            std::string repeated;
            // RFC 1035 §3.3.14: each character-string costs its length byte too.
            const std::size_t rdata_bytes = given->size() * times + (given->size() * times + 254) / 255;
            if (times > 1 && rdata_bytes > dns_txt_rdata_bytes_max) {
                r.error("data_repeat", fmt::format("expected RDATA of at most {} bytes, this makes {}",
                                                   dns_txt_rdata_bytes_max, rdata_bytes));
            } else {
                repeated.reserve(given->size() * times);
                for (std::size_t i = 0; i < times; ++i) repeated += *given;
            }
            const std::optional<std::string> text = times > 1 ? std::optional(std::move(repeated)) : given;
            auto parsed = parse_rdata(*type, *text);
            if (!parsed.expected.empty()) {
                r.error("data", fmt::format("expected {} for a {} record, found \"{}\"", parsed.expected,
                                            dns::type_name(*type), *text));
            } else {
                rdata = std::move(parsed.data);
                e.tlsa_from = std::move(parsed.reference);
            }
        }
    } else if (data_node != nullptr) {
        r.text_list("data");  // marks it read; the missing type is reported below
    }
    if (data_node == nullptr && !faulty) r.error("data", "missing; expected the record's data (or a fault)");
    if (!type && (data_node != nullptr || !faulty)) r.error("type", "missing; expected one of A, AAAA, CNAME, MX, TXT, TLSA, NS, SOA");
    if (data_node == nullptr && (ttl || status))
        r.error(ttl ? "ttl" : "dnssec", "expected only with data: a fault entry has no record");
    if (!faulty && (occurrence || transport || denial))
        r.error(occurrence ? "occurrence" : transport ? "transport" : "denial_dnssec",
                "expected only together with fault or delay");
    r.finish();
    if (name && rdata) {
        e.record = mocks::zone_record{
            dns::record{*name, dns::rr_class::in, static_cast<std::uint32_t>(ttl.value_or(300)), std::move(*rdata)},
            status.value_or(mocks::dnssec_status::insecure)};
    }
    if (name && faulty) {
        mocks::dns_fault f;
        f.name = *name;
        f.type = type;
        f.transport = transport;
        f.kind = fault_kind.value_or(mocks::dns_fault_kind::none);
        f.occurrence = static_cast<unsigned>(occurrence.value_or(0));
        f.delay = delay.value_or(core::duration{0});
        f.denial_status = denial.value_or(mocks::dnssec_status::insecure);
        e.fault = std::move(f);
    }
    return e;
}

// `repeat = N`: the entry N times, with every "{n}" in its name and data replaced by 1..N,
// so "thousands of MX records" or "a TXT RRset of 300 records" are a few lines of a file.
// The copies are read by read_dns_entry() like any entry; a mistake is reported once, for
// the first copy. TLSA data naming a certificate is not allowed here: it names one host.
std::string with_number(std::string text, std::size_t n) {
    const auto number = std::to_string(n);
    for (auto at = text.find("{n}"); at != std::string::npos; at = text.find("{n}", at + number.size()))
        text.replace(at, 3, number);
    return text;
}

void read_repeated_dns_entry(table_reader& r, const toml::table& t, std::size_t times, std::vector<dns_entry>& out) {
    for (std::size_t n = 1; n <= times; ++n) {
        toml::table copy = t;
        copy.erase("repeat");
        if (const auto* name = t.get_as<std::string>("name")) copy.insert_or_assign("name", with_number(name->get(), n));
        if (const auto* data = t.get_as<std::string>("data")) copy.insert_or_assign("data", with_number(data->get(), n));
        if (const auto* strings = t.get_as<toml::array>("data")) {
            toml::array numbered;
            for (const auto& s : *strings) {
                if (const auto* text = s.as_string()) numbered.push_back(with_number(text->get(), n));
                else numbered.push_back(s);
            }
            copy.insert_or_assign("data", std::move(numbered));
        }
        input_errors ignored;
        const auto errors_before = r.errors().size();
        table_reader copy_reader(copy, r.path(), r.file(), n == 1 ? r.errors() : ignored);
        auto e = read_dns_entry(copy_reader, copy);
        e.line = line_of(t);
        if (n == 1 && e.tlsa_from) {
            r.error("data", "expected hexadecimal TLSA data with repeat: cert:<host> names one host");
            return;
        }
        if (n == 1 && r.errors().size() != errors_before) return;
        if (!ignored.empty()) {
            r.error("repeat", fmt::format("copy {} is not a valid entry: {}", n, ignored.front().message));
            return;
        }
        out.push_back(std::move(e));
    }
}

// ---- [policy_host."<domain>"] ----------------------------------------------------------

std::vector<mocks::http_field> read_headers(table_reader& r) {
    std::vector<mocks::http_field> out;
    const auto list = r.text_list("headers");
    if (!list) return out;
    for (const auto& h : *list) {
        const auto colon = h.find(':');
        if (colon == std::string::npos || colon == 0) {
            r.error("headers", fmt::format("expected \"Name: value\", found \"{}\"", h));
            continue;
        }
        auto value = h.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t") == std::string::npos ? value.size()
                                                                            : value.find_first_not_of(" \t"));
        out.push_back({h.substr(0, colon), value});
    }
    return out;
}

policy_host_spec read_policy_host_keys(table_reader& r, const toml::table& t, const std::string& domain,
                                       core::time_point start) {
    policy_host_spec p;
    p.domain = lower(domain);
    p.host_name = "mta-sts." + p.domain;
    auto& c = p.config;
    c.host_name = p.host_name;
    auto& res = c.response;
    if (auto v = r.text("body")) res.body = *v;
    if (auto v = r.integer("status", 100, 999)) res.status = static_cast<unsigned>(*v);
    if (auto v = r.text("reason")) res.reason = *v;
    if (const auto* ct = t.get("content_type"); ct != nullptr && ct->is_boolean()) {
        if (r.boolean("content_type").value_or(true)) r.error("content_type", "expected a string, or false for no Content-Type");
        res.content_type.reset();
    } else if (auto v = r.text("content_type")) {
        res.content_type = *v;
    }
    res.headers = read_headers(r);
    if (auto v = r.text("location")) res.headers.push_back({"Location", *v});
    if (auto v = read_enum<mocks::body_framing>(r, "framing",
                                                {{"content-length", mocks::body_framing::content_length},
                                                 {"chunked", mocks::body_framing::chunked},
                                                 {"until-close", mocks::body_framing::until_close}}))
        res.framing = *v;
    if (auto v = r.integer("padding_bytes", 0, static_cast<std::int64_t>(mocks::policy_padding_bytes_config_max)))
        res.padding_bytes = static_cast<std::size_t>(*v);
    if (auto v = r.boolean("endless")) res.endless = *v;
    if (const auto* padding = r.table("header_padding")) {
        auto d = sub_reader(r, *padding, "header_padding");
        if (auto v = d.integer("bytes", 1, static_cast<std::int64_t>(mocks::policy_header_padding_bytes_config_max), true))
            res.header_padding_bytes = static_cast<std::size_t>(*v);
        if (auto v = d.integer("line_bytes", static_cast<std::int64_t>(mocks::policy_header_padding_line_bytes_min),
                               static_cast<std::int64_t>(mocks::policy_header_padding_bytes_config_max)))
            res.header_padding_line_bytes = static_cast<std::size_t>(*v);
        d.finish();
    }
    if (const auto* drip = r.table("drip")) {
        auto d = sub_reader(r, *drip, "drip");
        if (auto v = d.integer("bytes", 1, 1'000'000, true)) res.drip.bytes = static_cast<std::size_t>(*v);
        if (auto v = d.duration("interval", false, true)) res.drip.interval = *v;
        d.finish();
    }
    if (auto v = read_enum<mocks::policy_host_fault>(
            r, "fault",
            {{"none", mocks::policy_host_fault::none},
             {"stall-before-tls", mocks::policy_host_fault::stall_before_tls},
             {"stall-after-tls", mocks::policy_host_fault::stall_after_tls},
             {"stall-after-headers", mocks::policy_host_fault::stall_after_headers},
             {"reset", mocks::policy_host_fault::reset}}))
        c.fault = *v;
    if (auto v = r.text("path")) c.path = *v;
    read_tls_caps(r, c.tls);
    p.cert = read_cert(r, "cert", {p.host_name}, start);
    r.finish();
    auto probe = c;
    probe.listen = {"192.0.2.1", 443};
    if (const auto problem = mocks::validate(probe); !problem.empty()) r.error("", problem);
    return p;
}

policy_host_spec read_policy_host(table_reader& parent, const std::string& domain, const toml::table& t,
                                  core::time_point start) {
    table_reader r(t, parent.key_path(domain), parent.file(), parent.errors());
    return read_policy_host_keys(r, t, domain, start);
}

// ---- [report_endpoint."<host>"] ----------------------------------------------------------

// An HTTPS endpoint that takes TLS-RPT reports (RFC 8460 §5.4): the policy host mock
// answering POSTs to `path` with `status`.
policy_host_spec read_report_endpoint(table_reader& parent, const std::string& host, const toml::table& t,
                                      core::time_point start) {
    policy_host_spec p;
    p.host_name = lower(host);
    table_reader r(t, parent.key_path(host), parent.file(), parent.errors());
    auto& c = p.config;
    c.host_name = p.host_name;
    c.path = "/";
    if (auto v = r.text("path")) c.path = *v;
    c.post_status = 201;
    if (auto v = r.integer("status", 200, 999)) c.post_status = static_cast<unsigned>(*v);
    if (auto v = read_enum<mocks::policy_host_fault>(
            r, "fault",
            {{"none", mocks::policy_host_fault::none},
             {"stall-before-tls", mocks::policy_host_fault::stall_before_tls},
             {"stall-after-tls", mocks::policy_host_fault::stall_after_tls},
             {"reset", mocks::policy_host_fault::reset}}))
        c.fault = *v;
    read_tls_caps(r, c.tls);
    p.cert = read_cert(r, "cert", {p.host_name}, start);
    r.finish();
    auto probe = c;
    probe.listen = {"192.0.2.1", 443};
    if (const auto problem = mocks::validate(probe); !problem.empty()) r.error("", problem);
    return p;
}

// ---- [smtp."<host>"] ---------------------------------------------------------------------

const std::vector<spelling<mocks::smtp_step>> smtp_steps = {
    {"greeting", mocks::smtp_step::greeting},   {"ehlo", mocks::smtp_step::ehlo},
    {"starttls", mocks::smtp_step::starttls},   {"tls", mocks::smtp_step::tls_established},
    {"mail", mocks::smtp_step::mail},           {"rcpt", mocks::smtp_step::rcpt},
    {"data", mocks::smtp_step::data},           {"end-of-data", mocks::smtp_step::end_of_data},
    {"rset", mocks::smtp_step::rset},           {"noop", mocks::smtp_step::noop},
    {"quit", mocks::smtp_step::quit},
};

smtp_host_spec read_smtp_host_keys(table_reader& r, const toml::table& t, const std::string& host,
                                   core::time_point start) {
    smtp_host_spec s;
    s.host_name = lower(host);
    auto& c = s.config;
    c.host_name = s.host_name;
    if (auto v = r.boolean("starttls")) c.starttls_offered = *v;
    if (auto v = r.text("greeting")) c.greeting_text = *v;
    if (auto v = r.text_list("ehlo_keywords")) c.ehlo_keywords = *v;
    if (auto v = read_enum<mocks::handshake_fault>(r, "handshake",
                                                   {{"none", mocks::handshake_fault::none},
                                                    {"close-after-reply", mocks::handshake_fault::close_after_reply},
                                                    {"garbage-reply", mocks::handshake_fault::garbage_reply}}))
        c.handshake = *v;
    if (auto v = r.text("injection")) c.starttls_injection = *v;
    if (auto v = r.text("starttls_reply")) c.overrides.push_back(mocks::refuse_starttls(*v));
    if (const auto* stall = t.get("stall"); stall != nullptr) {
        auto names = std::vector<spelling<std::optional<mocks::smtp_step>>>{{"before-greeting", std::nullopt}};
        for (const auto& st : smtp_steps) names.push_back({st.text, st.value});
        if (auto v = read_enum(r, "stall", names))
            c.overrides.push_back(*v ? mocks::stall_after(**v) : mocks::stall_before_greeting());
    }
    if (const auto* replies = r.array("replies")) {
        std::size_t i = 0;
        for (const auto& item : *replies) {
            const auto key = fmt::format("replies[{}]", i++);
            const auto* rt = item.as_table();
            if (rt == nullptr) {
                r.error("replies", "expected an array of tables such as { step = \"rcpt\", reply = \"550 5.1.1 no\" }");
                continue;
            }
            table_reader o(*rt, r.key_path("replies") + fmt::format("[{}]", i - 1), r.file(), r.errors());
            mocks::reply_override ov;
            if (auto v = read_enum(o, "step", smtp_steps, true)) ov.step = *v;
            ov.reply = o.text("reply");
            if (auto v = o.integer("occurrence", 0, 1'000'000)) ov.occurrence = static_cast<unsigned>(*v);
            if (auto v = read_enum<mocks::after_reply>(o, "then",
                                                       {{"carry-on", mocks::after_reply::carry_on},
                                                        {"close", mocks::after_reply::close},
                                                        {"stall", mocks::after_reply::stall}}))
                ov.then = *v;
            if (auto v = o.boolean("endless")) ov.endless = *v;
            o.finish();
            c.overrides.push_back(std::move(ov));
        }
    }
    read_tls_caps(r, c.tls);
    // RFC 7672 §8.2 [DANE-35]: a receiver that offers anonymous suites only.
    if (auto v = read_enum<mocks::tls_cipher_offer>(r, "tls_ciphers",
                                                    {{"usual", mocks::tls_cipher_offer::usual},
                                                     {"anonymous-only", mocks::tls_cipher_offer::anonymous_only}})) {
        c.tls.ciphers = *v;
        if (*v == mocks::tls_cipher_offer::anonymous_only && c.tls.min_version == mocks::tls_version::tls1_3)
            r.error("tls_ciphers", "anonymous suites exist up to TLS 1.2 only, so tls_min must be below \"1.3\"");
    }
    s.cert = read_cert(r, "cert", {s.host_name}, start);
    r.finish();
    auto probe = c;
    probe.listen = {"192.0.2.1", 25};
    if (const auto problem = mocks::validate(probe); !problem.empty()) r.error("", problem);
    return s;
}

smtp_host_spec read_smtp_host(table_reader& parent, const std::string& host, const toml::table& t,
                              core::time_point start) {
    table_reader r(t, parent.key_path(host), parent.file(), parent.errors());
    return read_smtp_host_keys(r, t, host, start);
}

// ---- [proxy."<name>"] ----------------------------------------------------------------------

proxy_spec read_proxy_keys(table_reader& r, const std::string& name) {
    proxy_spec p;
    p.host_name = lower(name);
    auto& c = p.config;
    c.host_name = p.host_name;
    if (auto v = read_enum<mocks::proxy_fault>(r, "fault",
                                               {{"none", mocks::proxy_fault::none},
                                                {"stall", mocks::proxy_fault::stall},
                                                {"auth-required", mocks::proxy_fault::auth_required},
                                                {"bad-gateway", mocks::proxy_fault::bad_gateway},
                                                {"intercept", mocks::proxy_fault::intercept}}))
        c.fault = *v;
    c.proxy_authorization = r.text("proxy_authorization");
    if (auto v = r.integer("port", 1, 65535)) c.listen.port = static_cast<std::uint16_t>(*v);
    r.finish();
    return p;
}

proxy_spec read_proxy(table_reader& parent, const std::string& name, const toml::table& t) {
    table_reader r(t, parent.key_path(name), parent.file(), parent.errors());
    return read_proxy_keys(r, name);
}

template <class F>
void for_each_table(const toml::table& root, std::string_view key, const std::string& file, input_errors& errors,
                    F&& read) {
    table_reader top(root, "", file, errors);
    const auto* t = top.table(key);
    if (t == nullptr) return;
    if (t->size() > world_entries_max) {
        top.error(key, fmt::format("expected at most {} entries", world_entries_max));
        return;
    }
    // Tables iterate sorted by key; hosts are numbered in the order the file lists them.
    std::vector<std::pair<std::string, const toml::node*>> entries;
    for (const auto& [k, v] : *t) entries.emplace_back(std::string(k.str()), &v);
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return line_of(*a.second) < line_of(*b.second); });
    table_reader parent(*t, std::string(key), file, errors);
    for (const auto& [k, node] : entries) {
        const auto* entry = parent.table(k);
        if (entry != nullptr) read(parent, k, *entry);
    }
}

}  // namespace

dns_entry read_dns_entry_table(table_reader& r, const toml::table& t) { return read_dns_entry(r, t); }

policy_host_spec read_policy_host_table(table_reader& r, const toml::table& t, const std::string& domain,
                                        core::time_point start) {
    return read_policy_host_keys(r, t, domain, start);
}

smtp_host_spec read_smtp_host_table(table_reader& r, const toml::table& t, const std::string& host,
                                    core::time_point start) {
    return read_smtp_host_keys(r, t, host, start);
}

proxy_spec read_proxy_table(table_reader& r, const std::string& name) { return read_proxy_keys(r, name); }

std::optional<dns::rr_type> read_rr_type(table_reader& r, std::string_view key, bool required) {
    return read_enum(r, key, rr_types, required);
}

const std::vector<std::string_view>& world_top_level_keys() {
    static const std::vector<std::string_view> keys = {"world", "profile", "dns", "policy_host", "report_endpoint",
                                                         "smtp", "proxy", "engine", "route"};
    return keys;
}

world_spec read_world(const toml::table& root, const std::string& file, input_errors& errors) {
    world_spec w;
    w.file = file;
    const auto errors_before = errors.size();
    read_settings(root, file, errors, w.settings);
    const auto start = w.settings.start;
    {
        table_reader top(root, "", file, errors);
        if (const auto* profiles = top.table("profile")) read_profiles(*profiles, file, errors, w);
    }
    {
        table_reader top(root, "", file, errors);
        read_engine(top, w.engine);
        read_routes(top, w.engine);
    }
    for_each_table(root, "policy_host", file, errors, [&](table_reader& parent, const std::string& k, const toml::table& t) {
        w.policy_hosts.push_back(read_policy_host(parent, k, t, start));
    });
    for_each_table(root, "report_endpoint", file, errors,
                   [&](table_reader& parent, const std::string& k, const toml::table& t) {
                       w.policy_hosts.push_back(read_report_endpoint(parent, k, t, start));
                   });
    for_each_table(root, "smtp", file, errors, [&](table_reader& parent, const std::string& k, const toml::table& t) {
        w.smtp_hosts.push_back(read_smtp_host(parent, k, t, start));
    });
    for_each_table(root, "proxy", file, errors, [&](table_reader& parent, const std::string& k, const toml::table& t) {
        w.proxies.push_back(read_proxy(parent, k, t));
    });
    {
        table_reader top(root, "", file, errors);
        if (const auto* records = top.array("dns")) {
            if (records->size() > world_entries_max)
                top.error("dns", fmt::format("expected at most {} records", world_entries_max));
            std::size_t i = 0;
            std::size_t repeated_records = 0;
            for (const auto& item : *records) {
                if (i >= world_entries_max) break;
                const auto path = fmt::format("dns[{}]", i++);
                const auto* t = item.as_table();
                if (t == nullptr) {
                    errors.push_back({file, line_of(item), 0, path, "expected a table ([[dns]])"});
                    continue;
                }
                table_reader r(*t, path, file, errors);
                const auto repeat = r.integer("repeat", 1, static_cast<std::int64_t>(dns_repeat_max));
                if (repeat && repeated_records + static_cast<std::size_t>(*repeat) > 2 * world_entries_max) {
                    r.error("repeat", fmt::format("expected at most {} records from all repeats together",
                                                  2 * world_entries_max));
                    continue;
                }
                if (repeat) {
                    repeated_records += static_cast<std::size_t>(*repeat);
                    read_repeated_dns_entry(r, *t, static_cast<std::size_t>(*repeat), w.dns);
                    continue;
                }
                auto e = read_dns_entry(r, *t);
                if (e.tlsa_from && w.certificate_of(e.tlsa_from->host) == nullptr)
                    r.error("data", fmt::format("expected cert:<host> to name an [smtp] host or a policy host "
                                                "(mta-sts.<domain>); no host \"{}\" presents a certificate",
                                                e.tlsa_from->host));
                w.dns.push_back(std::move(e));
            }
        }
    }
    // Proxies named by the engine settings must exist.
    auto proxy_known = [&](const std::string& name) {
        return std::any_of(w.proxies.begin(), w.proxies.end(), [&](const proxy_spec& p) { return p.host_name == name; });
    };
    if (!w.engine.proxy.empty() && !proxy_known(w.engine.proxy))
        errors.push_back({file, 0, 0, "engine.proxy",
                          fmt::format("expected the name of a [proxy] host, got \"{}\"", w.engine.proxy)});
    for (const auto& [profile_key, name] : w.engine.profile_proxies)
        if (!proxy_known(name))
            errors.push_back({file, 0, 0, fmt::format("profile.\"{}\".proxy", profile_key),
                              fmt::format("expected the name of a [proxy] host, got \"{}\"", name)});
    // The zone must build (RFC 1034 §3.6.2: a CNAME owner owns nothing else, one CNAME).
    if (errors.size() == errors_before) {
        mocks::zone_data data;
        for (const auto& e : w.dns)
            if (e.record) data.records.push_back(*e.record);
        if (auto z = mocks::zone::build(std::move(data)); !z.has_value())
            errors.push_back({file, 0, 0, "dns", fmt::format("expected records that form a zone: {}", z.error())});
    }
    return w;
}

core::result<world_spec, input_errors> load_world_text(std::string_view text, const std::string& file) {
    input_errors errors;
    if (text.size() > world_file_bytes_max) {
        errors.push_back({file, 0, 0, "", fmt::format("expected at most {} bytes", world_file_bytes_max)});
        return core::failure(std::move(errors));
    }
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        errors.push_back({file, static_cast<std::size_t>(e.source().begin.line),
                          static_cast<std::size_t>(e.source().begin.column), "",
                          fmt::format("expected valid TOML: {}", e.description())});
        return core::failure(std::move(errors));
    }
    auto spec = read_world(root, file, errors);
    const auto& known = world_top_level_keys();
    for (const auto& [k, v] : root) {
        if (std::find(known.begin(), known.end(), k.str()) == known.end())
            errors.push_back({file, line_of(v), static_cast<std::size_t>(v.source().begin.column), std::string(k.str()),
                              "unknown key; expected world, profile, dns, policy_host, report_endpoint, smtp, proxy, engine or route"});
    }
    if (!errors.empty()) {
        std::stable_sort(errors.begin(), errors.end(),
                         [](const input_error& a, const input_error& b) { return a.line < b.line; });
        return core::failure(std::move(errors));
    }
    return spec;
}

core::result<world_spec, input_errors> load_world_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::failure(input_errors{{path, 0, 0, "", "expected a readable file"}});
    std::string text(world_file_bytes_max + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return load_world_text(text, path);
}

}  // namespace sts::sim
