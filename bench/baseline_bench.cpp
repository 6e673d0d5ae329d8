// Baselines measured in the same run as the engine's benchmarks, so that scripts/bench can
// report each figure as a ratio to a floor that moves with the machine:
// - baseline_split_lines_60kb: only finding the line breaks of the 60 KB policy body
//   (memchr), the least work any policy parser must do; policy_parse_60kb_many_mx / this.
// - baseline_map_find: one std::map<std::string, int> lookup among N domains, the least
//   work a cache hit must do; cache_hit_begin/N / this.
// - baseline_equal_names: comparing two equal host names byte for byte, the least work an
//   MX match must do; mx_match_* / this.
#include <benchmark/benchmark.h>

#include <cstring>
#include <map>
#include <string>

namespace {

std::string large_policy() {
    std::string body = "version: STSv1\nmode: enforce\nmax_age: 86400\n";
    for (int i = 0; i < 1000; ++i) body += "mx: mx" + std::to_string(i) + ".mail.example.com\n";
    while (body.size() < 60 * 1024) body += "note: padding text for the benchmark body\n";
    return body;
}

void baseline_split_lines_60kb(benchmark::State& state) {
    const std::string body = large_policy();
    for (auto _ : state) {
        std::size_t lines = 0;
        const char* p = body.data();
        const char* end = p + body.size();
        while (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
            ++lines;
            p = static_cast<const char*>(nl) + 1;
        }
        benchmark::DoNotOptimize(lines);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(body.size()));
}

void baseline_map_find(benchmark::State& state) {
    const auto count = static_cast<std::size_t>(state.range(0));
    std::map<std::string, int, std::less<>> map;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < count; ++i) {
        keys.push_back("domain" + std::to_string(i) + ".example");
        map.emplace(keys.back(), static_cast<int>(i));
    }
    std::size_t next = 0;
    for (auto _ : state) {
        auto it = map.find(keys[next]);
        benchmark::DoNotOptimize(it);
        if (++next == count) next = 0;
    }
}

void baseline_equal_names(benchmark::State& state) {
    const std::string a = "mx1.mail.example.com";
    std::string b = a;
    benchmark::DoNotOptimize(b.data());
    for (auto _ : state) {
        bool same = a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
        benchmark::DoNotOptimize(same);
    }
}

}  // namespace

BENCHMARK(baseline_split_lines_60kb);
BENCHMARK(baseline_map_find)->Arg(1)->Arg(1000)->Arg(100000);
BENCHMARK(baseline_equal_names);
