// MX pattern matching (RFC 8461 §4.1): the per-MX check every delivery under a policy
// makes. scripts/bench reports it against baseline_equal_names.
#include "engine/mtasts/mx_pattern.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

void mx_match_exact(benchmark::State& state) {
    const std::string pattern = "mx1.mail.example.com";
    const std::string host = "MX1.mail.example.com.";
    for (auto _ : state) {
        bool m = sts::mtasts::mx_pattern_matches(pattern, host);
        benchmark::DoNotOptimize(m);
    }
}

void mx_match_wildcard(benchmark::State& state) {
    const std::string pattern = "*.mail.example.com";
    const std::string host = "mx1.mail.example.com";
    for (auto _ : state) {
        bool m = sts::mtasts::mx_pattern_matches(pattern, host);
        benchmark::DoNotOptimize(m);
    }
}

void mx_match_wildcard_miss_two_labels(benchmark::State& state) {
    const std::string pattern = "*.example.com";
    const std::string host = "a.mail.example.com";
    for (auto _ : state) {
        bool m = sts::mtasts::mx_pattern_matches(pattern, host);
        benchmark::DoNotOptimize(m);
    }
}

}  // namespace

BENCHMARK(mx_match_exact);
BENCHMARK(mx_match_wildcard);
BENCHMARK(mx_match_wildcard_miss_two_labels);
