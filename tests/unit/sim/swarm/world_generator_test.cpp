// Tests sim/swarm/world_generator.hpp: a seed gives the same scenario text and promises on
// every call, different seeds give different worlds, every generated scenario loads
// without a mistake, and over a few hundred seeds the generator reaches the features it
// promises (enforce policies, DANE, routes, a proxy, mid-run changes, faults).
#include "sim/swarm/world_generator.hpp"

#include "sim/scenario/scenario_loader.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>

namespace {

std::string first_error(const sts::core::result<sts::sim::scenario_spec, sts::sim::input_errors>& r) {
    return r.has_value() ? std::string() : r.error().front().to_string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(world_generator)

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_scenario_and_promises) {
    for (const std::uint64_t seed : std::initializer_list<std::uint64_t>{1, 77, 123456789, UINT64_MAX}) {
        const auto a = sts::sim::generate_swarm_case(seed);
        const auto b = sts::sim::generate_swarm_case(seed);
        BOOST_TEST(a.toml == b.toml);
        BOOST_TEST(a.name == b.name);
        BOOST_TEST(a.facts.recipients == b.facts.recipients);
        BOOST_REQUIRE(a.facts.domains.size() == b.facts.domains.size());
        for (std::size_t i = 0; i < a.facts.domains.size(); ++i) {
            BOOST_TEST(a.facts.domains[i].enforce_mx_patterns == b.facts.domains[i].enforce_mx_patterns);
            BOOST_TEST(a.facts.domains[i].enforce_until.has_value() == b.facts.domains[i].enforce_until.has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(different_seeds_give_different_scenarios) {
    std::set<std::string> texts;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) texts.insert(sts::sim::generate_swarm_case(seed).toml);
    BOOST_TEST(texts.size() == 50U);
}

BOOST_AUTO_TEST_CASE(every_generated_scenario_loads_without_mistakes) {
    for (std::uint64_t seed = 1; seed <= 400; ++seed) {
        const auto c = sts::sim::generate_swarm_case(seed);
        const auto spec = sts::sim::load_scenario_text(c.toml, c.name + ".toml");
        BOOST_TEST_REQUIRE(spec.has_value(), "seed " << seed << ": " << first_error(spec) << "\n" << c.toml);
        BOOST_TEST(spec->name == c.name);
        BOOST_TEST(!c.facts.recipients.empty());
        BOOST_TEST(c.facts.recipients.size() <= 60U);
        BOOST_TEST((!c.facts.domains.empty() && c.facts.domains.size() <= 4U));
    }
}

BOOST_AUTO_TEST_CASE(the_seeds_reach_every_kind_of_world_the_generator_promises) {
    std::set<std::string> seen;
    const std::set<std::string> wanted{"mode: enforce", "mode: testing", "dane = \"mandatory\"", "TLSA", "[route.",
                                       "[proxy.", "policy = {", "dns_set = {", "dns_fault = {", "smtp = {",
                                       "fault = \"servfail\"", "starttls = false", "tls_max = \"1.1\"", "status = 404"};
    std::size_t governed = 0, dane_hosts = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        const auto c = sts::sim::generate_swarm_case(seed);
        for (const auto& w : wanted)
            if (c.toml.find(w) != std::string::npos) seen.insert(w);
        for (const auto& d : c.facts.domains) {
            if (d.enforce_until) ++governed;
            dane_hosts += d.dane_hosts.size();
        }
    }
    BOOST_TEST(seen == wanted);
    // The invariants have something to judge: domains under enforce, hosts under DANE.
    BOOST_TEST(governed >= 50U);
    BOOST_TEST(dane_hosts >= 20U);
}

BOOST_AUTO_TEST_SUITE_END()
