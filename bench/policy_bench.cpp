// Parse throughput of engine/mtasts/policy_parser.hpp: the RFC 8461 §3.2 example policy (the
// common case, parsed on every fetch) and a 60 KB policy of many mx lines (near the 64 KiB
// body cap, the most work a hostile or oversized publisher can ask for).
#include "engine/mtasts/policy_parser.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view rfc_example_policy =
    "version: STSv1\n"
    "mode: enforce\n"
    "mx: mail.example.com\n"
    "mx: *.example.net\n"
    "mx: backupmx.example.com\n"
    "max_age: 604800\n";

// A valid policy of about 60 KB: the mx patterns stop at the 1024 the parser keeps, and
// extension lines fill the rest so every byte is still checked.
std::string large_policy() {
    std::string body = "version: STSv1\nmode: enforce\nmax_age: 86400\n";
    for (int i = 0; i < 1000; ++i) body += "mx: mx" + std::to_string(i) + ".mail.example.com\n";
    while (body.size() < 60 * 1024) body += "note: padding text for the benchmark body\n";
    return body;
}

void run(benchmark::State& state, std::string_view body) {
    if (!sts::mtasts::parse_policy(body).parsed) {
        state.SkipWithError("the benchmark policy does not parse");
        return;
    }
    for (auto _ : state) {
        auto result = sts::mtasts::parse_policy(body);
        benchmark::DoNotOptimize(result);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(body.size()));
}

void policy_parse_rfc_example(benchmark::State& state) { run(state, rfc_example_policy); }

void policy_parse_60kb_many_mx(benchmark::State& state) {
    const std::string body = large_policy();
    run(state, body);
}

}  // namespace

BENCHMARK(policy_parse_rfc_example);
BENCHMARK(policy_parse_60kb_many_mx);
