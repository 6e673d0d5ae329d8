// Tests sim/world/world_loader.hpp: a complete valid world becomes the expected spec, and
// every kind of mistake (wrong type, unknown key, bad duration, bad enum value, missing
// required key, bad RDATA, bad TLSA reference, broken TOML) is reported with the file,
// line, key and expected form, with no spec produced.
#include "sim/world/world_loader.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace {

using namespace std::chrono_literals;
using sts::sim::input_errors;
using sts::sim::load_world_text;

input_errors errors_of(std::string_view text) {
    auto r = load_world_text(text, "w.toml");
    BOOST_TEST_REQUIRE(!r.has_value());
    return std::move(r).error();
}

// The only error, which must be at `line` about `key` and mention `expected`.
void expect_one_error(std::string_view text, std::size_t line, const std::string& key, const std::string& expected) {
    const auto errors = errors_of(text);
    BOOST_TEST_REQUIRE(errors.size() == 1u, errors.front().to_string());
    BOOST_TEST(errors[0].file == "w.toml");
    BOOST_TEST(errors[0].line == line, errors[0].to_string());
    BOOST_TEST(errors[0].key == key);
    BOOST_TEST(errors[0].message.find(expected) != std::string::npos, errors[0].message);
}

constexpr std::string_view complete_world = R"(
[world]
start = "2024-09-26T15:23:39Z"
seed = 7
latency = "20ms"

[profile."example.test"]
tls = "required-verify"
dane = "mandatory"
mta_sts = true

[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"
ttl = 60

[[dns]]
name = "_mta-sts.example.test"
type = "TXT"
data = "v=STSv1; id=1;"
dnssec = "bogus"

[[dns]]
name = "_25._tcp.mx1.example.test"
type = "TLSA"
data = "3 1 1 cert:MX1.example.test"

[[dns]]
name = "_mta-sts.other.test"
type = "TXT"
fault = "servfail"
occurrence = 1

[policy_host."example.test"]
body = "version: STSv1\n"
status = 200
content_type = false
headers = ["Cache-Control: no-store"]
drip = { bytes = 10, interval = "1s" }
tls_max = "1.2"

[smtp."mx1.example.test"]
starttls = true
cert = { names = ["mx1.example.test"], not_after = "-1d", key = "rsa-1024", issuer = "untrusted" }
replies = [{ step = "rcpt", reply = "550 5.1.1 no such user", occurrence = 2 }]
stall = "ehlo"

[proxy."proxy.sender.test"]
fault = "intercept"
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(world_loader)

BOOST_AUTO_TEST_CASE(a_complete_world_is_read_into_its_spec) {
    auto r = load_world_text(complete_world, "w.toml");
    BOOST_TEST_REQUIRE(r.has_value(), (r.has_value() ? "" : r.error().front().to_string()));
    const auto& w = r.value();
    BOOST_TEST(w.settings.seed == 7u);
    BOOST_TEST(w.settings.latency == 20ms);
    BOOST_TEST(w.settings.start.time_since_epoch().count() == 1'727'364'219'000);
    BOOST_TEST_REQUIRE(w.profiles.count("example.test") == 1u);
    BOOST_TEST((w.profiles.at("example.test").tls == sts::tls::tls_setting::required_verify));
    BOOST_TEST((w.profiles.at("example.test").dane == sts::tls::dane_setting::mandatory));
    BOOST_TEST_REQUIRE(w.dns.size() == 4u);
    BOOST_TEST(w.dns[0].record->record.ttl == 60u);
    BOOST_TEST((std::get<sts::dns::mx_rdata>(w.dns[0].record->record.data) == sts::dns::mx_rdata{10, "mx1.example.test"}));
    BOOST_TEST((w.dns[1].record->status == sts::mocks::dnssec_status::bogus));
    BOOST_TEST_REQUIRE(w.dns[2].tlsa_from.has_value());
    BOOST_TEST(w.dns[2].tlsa_from->host == "mx1.example.test");
    BOOST_TEST(!w.dns[3].record.has_value());
    BOOST_TEST((w.dns[3].fault->kind == sts::mocks::dns_fault_kind::servfail));
    BOOST_TEST(w.dns[3].fault->occurrence == 1u);
    BOOST_TEST_REQUIRE(w.policy_hosts.size() == 1u);
    const auto& p = w.policy_hosts[0];
    BOOST_TEST(p.host_name == "mta-sts.example.test");
    BOOST_TEST(!p.config.response.content_type.has_value());
    BOOST_TEST(p.config.response.headers.size() == 1u);
    BOOST_TEST(p.config.response.headers[0].value == "no-store");
    BOOST_TEST(p.config.response.drip.bytes == 10u);
    BOOST_TEST((p.config.tls.max_version == sts::mocks::tls_version::tls1_2));
    BOOST_TEST(p.cert.dns_names == std::vector<std::string>{"mta-sts.example.test"});
    BOOST_TEST_REQUIRE(w.smtp_hosts.size() == 1u);
    const auto& s = w.smtp_hosts[0];
    BOOST_TEST((s.cert.not_after == w.settings.start - 24h));
    BOOST_TEST((s.cert.key == sts::mocks::key_type::rsa_1024));
    BOOST_TEST((s.cert.issuer == sts::mocks::issuer_kind::untrusted_root));
    BOOST_TEST_REQUIRE(s.config.overrides.size() == 2u);
    BOOST_TEST((s.config.overrides[0].then == sts::mocks::after_reply::stall));
    BOOST_TEST((s.config.overrides[1].step == sts::mocks::smtp_step::rcpt));
    BOOST_TEST_REQUIRE(w.proxies.size() == 1u);
    BOOST_TEST((w.proxies[0].config.fault == sts::mocks::proxy_fault::intercept));
}

BOOST_AUTO_TEST_CASE(every_example_world_loads) {
    std::size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(STS_SOURCE_DIR "/examples/worlds")) {
        if (entry.path().extension() != ".toml") continue;
        ++n;
        auto r = sts::sim::load_world_file(entry.path().string());
        BOOST_TEST(r.has_value(), entry.path().filename().string() << ": "
                                                                  << (r.has_value() ? "" : r.error().front().to_string()));
    }
    BOOST_TEST(n >= 3u);
}

BOOST_AUTO_TEST_CASE(a_value_of_the_wrong_type_is_an_error) {
    expect_one_error("[smtp.\"mx.test\"]\nstarttls = \"yes\"\n", 2, "smtp.\"mx.test\".starttls", "expected true or false");
}

BOOST_AUTO_TEST_CASE(an_unknown_key_is_an_error_at_every_level) {
    expect_one_error("[smtp.\"mx.test\"]\nstarttsl = true\n", 2, "smtp.\"mx.test\".starttsl", "unknown key");
    expect_one_error("[wrld]\nseed = 1\n", 1, "wrld", "unknown key");
    expect_one_error("[smtp.\"mx.test\"]\ncert = { name = [\"mx.test\"] }\n", 2, "smtp.\"mx.test\".cert.name", "unknown key");
}

BOOST_AUTO_TEST_CASE(a_bad_duration_is_an_error) {
    expect_one_error("[world]\nlatency = \"5 ms\"\n", 2, "world.latency", "a duration such as");
    expect_one_error("[smtp.\"mx.test\"]\ncert = { not_after = \"yesterday\" }\n", 2, "smtp.\"mx.test\".cert.not_after",
                     "date-time");
}

BOOST_AUTO_TEST_CASE(an_enum_value_outside_its_list_is_an_error) {
    expect_one_error("[profile.default]\ntls = \"mandatory\"\n", 2, "profile.default.tls", "\"required-verify-hosted\"");
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"TXT\"\ndata = \"x\"\ndnssec = \"valid\"\n", 5, "dns[0].dnssec",
                     "\"secure\"");
}

BOOST_AUTO_TEST_CASE(a_missing_required_key_is_an_error) {
    expect_one_error("[[dns]]\ntype = \"TXT\"\ndata = \"x\"\n", 1, "dns[0].name", "missing");
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"TXT\"\n", 1, "dns[0].data", "missing");
    expect_one_error("[profile.default]\nmta_sts = true\n", 1, "profile.default.tls", "missing");
}

BOOST_AUTO_TEST_CASE(rdata_that_does_not_parse_is_an_error) {
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"A\"\ndata = \"10.0.0.300\"\n", 4, "dns[0].data", "IPv4");
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"MX\"\ndata = \"mx.a.test\"\n", 4, "dns[0].data", "preference");
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"TLSA\"\ndata = \"3 1 1 XYZ\"\n", 4, "dns[0].data", "hexadecimal");
}

BOOST_AUTO_TEST_CASE(a_tlsa_reference_to_a_host_without_a_certificate_is_an_error) {
    expect_one_error("[[dns]]\nname = \"_25._tcp.mx.test\"\ntype = \"TLSA\"\ndata = \"3 1 1 cert:mx.test\"\n", 4,
                     "dns[0].data", "no host \"mx.test\"");
    expect_one_error("[smtp.\"mx.test\"]\n[[dns]]\nname = \"_25._tcp.mx.test\"\ntype = \"TLSA\"\ndata = \"1 1 1 cert:mx.test\"\n",
                     5, "dns[0].data", "usage 2 or 3");
}

BOOST_AUTO_TEST_CASE(anonymous_ciphers_a_constrained_chain_and_a_top_ca_tlsa_record_are_read) {
    auto r = load_world_text("[smtp.\"mx.test\"]\ntls_ciphers = \"anonymous-only\"\n"
                             "cert = { intermediates = 2, pathlen = 0 }\n"
                             "[[dns]]\nname = \"_25._tcp.mx.test\"\ntype = \"TLSA\"\n"
                             "data = \"2 0 1 top-ca:MX.test\"\n",
                             "w.toml");
    BOOST_TEST_REQUIRE(r.has_value(), (r.has_value() ? "" : r.error().front().to_string()));
    const auto& w = r.value();
    BOOST_TEST_REQUIRE(w.smtp_hosts.size() == 1u);
    BOOST_TEST((w.smtp_hosts[0].config.tls.ciphers == sts::mocks::tls_cipher_offer::anonymous_only));
    BOOST_TEST((w.smtp_hosts[0].cert.top_intermediate_path_length == std::optional<int>(0)));
    BOOST_TEST_REQUIRE(w.dns.size() == 1u);
    BOOST_TEST_REQUIRE(w.dns[0].tlsa_from.has_value());
    BOOST_TEST(w.dns[0].tlsa_from->host == "mx.test");
    BOOST_TEST(w.dns[0].tlsa_from->top_ca);

    expect_one_error("[smtp.\"mx.test\"]\n[[dns]]\nname = \"_25._tcp.mx.test\"\ntype = \"TLSA\"\n"
                     "data = \"3 1 1 top-ca:mx.test\"\n",
                     5, "dns[0].data", "usage 2");
    expect_one_error("[smtp.\"mx.test\"]\ntls_min = \"1.3\"\ntls_ciphers = \"anonymous-only\"\n", 3,
                     "smtp.\"mx.test\".tls_ciphers", "TLS 1.2");
    expect_one_error("[smtp.\"mx.test\"]\ncert = { issuer = \"root\", pathlen = 0 }\n", 2, "smtp.\"mx.test\".cert",
                     "path length");
}

BOOST_AUTO_TEST_CASE(a_config_its_mock_would_refuse_is_an_error) {
    expect_one_error("[policy_host.\"a.test\"]\nendless = true\n", 1, "policy_host.\"a.test\"", "");
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"CNAME\"\ndata = \"b.test\"\n[[dns]]\nname = \"a.test\"\n"
                     "type = \"TXT\"\ndata = \"x\"\n",
                     0, "dns", "zone");
}

BOOST_AUTO_TEST_CASE(every_mistake_of_a_file_is_reported_at_once) {
    const auto errors = errors_of("[world]\nseed = -1\nlatency = 5\n[smtp.\"mx.test\"]\ntls_max = \"1.4\"\nfoo = 1\n");
    BOOST_TEST(errors.size() == 4u);
}

BOOST_AUTO_TEST_CASE(broken_toml_is_reported_with_its_position) {
    const auto errors = errors_of("[world]\nseed = \n");
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].line == 2u);
    BOOST_TEST(errors[0].message.find("valid TOML") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(engine_settings_routes_and_profile_proxies_are_read) {
    auto r = load_world_text(R"(
[engine]
log_level = "debug"
proxy = "proxy.test"
route_mode = "smart-host"
queue_lifetime = "2d"
retry = ["30s", "10m"]
concurrency = 3
txt_temp_error = "defer"

[profile."example.test"]
tls = "required"
mta_sts = true
proxy = "proxy.test"

[route."Routed.test"]
hosts = ["relay.test", "relay2.test:2525"]

[proxy."proxy.test"]
)",
                             "w.toml");
    BOOST_TEST_REQUIRE(r.has_value(), (r.has_value() ? "" : r.error().front().to_string()));
    const auto& e = r.value().engine;
    BOOST_TEST((e.log_level == sts::log::level::debug));
    BOOST_TEST(e.proxy == "proxy.test");
    BOOST_TEST((e.route_mode == sts::tls::route_semantics::rfc8461_smart_host));
    BOOST_TEST((e.queue_lifetime == std::optional<sts::core::duration>(48h)));
    BOOST_TEST_REQUIRE(e.retry_delays.size() == 2u);
    BOOST_TEST((e.retry_delays[1] == sts::core::duration(10min)));
    BOOST_TEST((e.concurrency == std::optional<std::size_t>(3)));
    BOOST_TEST((e.txt_temp_error == sts::mtasts::txt_error_handling::defer));
    BOOST_TEST(e.profile_proxies.at("example.test") == "proxy.test");
    BOOST_TEST_REQUIRE(e.routes.size() == 1u);
    BOOST_TEST(e.routes[0].domain == "routed.test");
    BOOST_TEST_REQUIRE(e.routes[0].hops.size() == 2u);
    BOOST_TEST(e.routes[0].hops[0].port == 25u);
    BOOST_TEST(e.routes[0].hops[1].host == "relay2.test");
    BOOST_TEST(e.routes[0].hops[1].port == 2525u);
}

BOOST_AUTO_TEST_CASE(a_proxy_that_is_not_a_proxy_host_is_an_error) {
    expect_one_error("[engine]\nproxy = \"nowhere.test\"\n", 0, "engine.proxy", "[proxy] host");
    expect_one_error("[profile.default]\ntls = \"preferred\"\nproxy = \"nowhere.test\"\n", 0,
                     "profile.\"default\".proxy", "[proxy] host");
}

BOOST_AUTO_TEST_CASE(a_route_hop_with_a_bad_port_is_an_error) {
    expect_one_error("[route.\"a.test\"]\nhosts = [\"relay.test:0\"]\n", 2, "route.\"a.test\".hosts", "port 1-65535");
    expect_one_error("[route.\"a.test\"]\nhosts = []\n", 2, "route.\"a.test\".hosts", "at least one host");
}

BOOST_AUTO_TEST_CASE(an_engine_retry_that_is_not_a_duration_is_an_error) {
    expect_one_error("[engine]\nretry = [\"soon\"]\n", 2, "engine.retry", "positive duration");
}

BOOST_AUTO_TEST_CASE(a_repeated_dns_entry_becomes_numbered_records) {
    auto r = load_world_text("[[dns]]\nname = \"example.test\"\ntype = \"MX\"\ndata = \"{n} mx{n}.example.test\"\n"
                             "repeat = 3\n[[dns]]\nname = \"t{n}.test\"\ntype = \"TXT\"\ndata = [\"a{n}\", \"b\"]\n"
                             "repeat = 2\n",
                             "w.toml");
    BOOST_TEST_REQUIRE(r.has_value(), (r.has_value() ? "" : r.error().front().to_string()));
    const auto& dns = r.value().dns;
    BOOST_TEST_REQUIRE(dns.size() == 5u);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST_REQUIRE(dns[i].record.has_value());
        const auto& mx = std::get<sts::dns::mx_rdata>(dns[i].record->record.data);
        BOOST_TEST(mx.preference == i + 1);
        BOOST_TEST(mx.exchange == "mx" + std::to_string(i + 1) + ".example.test");
        BOOST_TEST(dns[i].line == 1u);  // where the [[dns]] entry starts
    }
    BOOST_TEST(dns[4].record->record.name == "t2.test");
    const auto& txt = std::get<sts::dns::txt_rdata>(dns[4].record->record.data);
    BOOST_TEST((txt.strings == std::vector<std::string>{"a2", "b"}));
}

BOOST_AUTO_TEST_CASE(a_repeat_out_of_range_or_with_bad_data_is_an_error) {
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"A\"\ndata = \"10.0.0.1\"\nrepeat = 0\n", 5, "dns[0].repeat",
                     "");
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"A\"\ndata = \"10.0.{n}.1\"\nrepeat = 300\n", 5,
                     "dns[0].repeat", "copy 256");
}

BOOST_AUTO_TEST_CASE(data_repeat_repeats_a_txt_string_or_the_last_character_string) {
    auto r = load_world_text("[[dns]]\nname = \"a.test\"\ntype = \"TXT\"\ndata = \"ab\"\ndata_repeat = 3\n"
                             "[[dns]]\nname = \"b.test\"\ntype = \"TXT\"\ndata = [\"v=1; x=\", \"yy\"]\n"
                             "data_repeat = 256\n",
                             "w.toml");
    BOOST_TEST_REQUIRE(r.has_value(), (r.has_value() ? "" : r.error().front().to_string()));
    const auto& a = std::get<sts::dns::txt_rdata>(r.value().dns[0].record->record.data);
    BOOST_TEST((a.strings == std::vector<std::string>{"ababab"}));
    const auto& b = std::get<sts::dns::txt_rdata>(r.value().dns[1].record->record.data);
    BOOST_TEST_REQUIRE(b.strings.size() == 257u);
    BOOST_TEST(b.strings.front() == "v=1; x=");
    BOOST_TEST(b.strings.back() == "yy");
}

BOOST_AUTO_TEST_CASE(data_repeat_past_65535_bytes_or_off_txt_is_an_error) {
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"TXT\"\ndata = \"0123456789\"\ndata_repeat = 7000\n", 5,
                     "dns[0].data_repeat", "65535");
    expect_one_error("[[dns]]\nname = \"a.test\"\ntype = \"A\"\ndata = \"10.0.0.1\"\ndata_repeat = 2\n", 5,
                     "dns[0].data_repeat", "only on a TXT record");
}

BOOST_AUTO_TEST_CASE(hostile_host_keys_are_read) {
    auto r = load_world_text("[[dns]]\nname = \"x.test\"\ntype = \"MX\"\nfault = \"compression-loop\"\n"
                             "[[dns]]\nname = \"y.test\"\nfault = \"truncate-always\"\n"
                             "[policy_host.\"a.test\"]\nheader_padding = { bytes = 20000, line_bytes = 20000 }\n"
                             "[smtp.\"mx.test\"]\ncert = { padding_names = 3, names = [\"mx.test\"] }\n"
                             "replies = [{ step = \"ehlo\", reply = \"250-mx.test\", endless = true }]\n",
                             "w.toml");
    BOOST_TEST_REQUIRE(r.has_value(), (r.has_value() ? "" : r.error().front().to_string()));
    const auto& w = r.value();
    BOOST_TEST((w.dns[0].fault->kind == sts::mocks::dns_fault_kind::compression_loop));
    BOOST_TEST((w.dns[1].fault->kind == sts::mocks::dns_fault_kind::truncate_always));
    BOOST_TEST(w.policy_hosts[0].config.response.header_padding_bytes == 20000u);
    BOOST_TEST(w.policy_hosts[0].config.response.header_padding_line_bytes == 20000u);
    BOOST_TEST((w.smtp_hosts[0].cert.dns_names ==
                std::vector<std::string>{"pad1.sans.invalid", "pad2.sans.invalid", "pad3.sans.invalid", "mx.test"}));
    BOOST_TEST_REQUIRE(w.smtp_hosts[0].config.overrides.size() == 1u);
    BOOST_TEST(w.smtp_hosts[0].config.overrides[0].endless);

    expect_one_error("[policy_host.\"a.test\"]\nheader_padding = { bytes = 100, line_bytes = 8 }\n", 2,
                     "policy_host.\"a.test\".header_padding.line_bytes", "");
    expect_one_error("[smtp.\"mx.test\"]\nreplies = [{ step = \"ehlo\", endless = true }]\n", 1, "smtp.\"mx.test\"",
                     "endless");
}

BOOST_AUTO_TEST_SUITE_END()
