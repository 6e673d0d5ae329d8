// bench/cache_bench.cpp
//
// The policy cache on the delivery path: how long begin() takes when the TXT id matches the
// cached one (the common case, one call per delivery), with 1, 1 000 and 100 000 cached
// domains; and how many bytes one cached policy costs, measured with glibc's allocator
// statistics while a cache is filled with one million policies (issue 7 goal: < 512 MiB
// for 1 M, i.e. < 536 bytes per entry), reported as bytes_per_entry and MiB_per_million.
#include "engine/mtasts/policy_cache.hpp"

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace sts::mtasts;

const sts::core::time_point t0 = std::chrono::sys_days{std::chrono::year{2024} / 1 / 1};

std::string domain_name(std::size_t i) {
    return "domain" + std::to_string(i) + ".example";
}

// A typical published policy: two mx lines, a week's max_age.
policy typical_policy(std::size_t i) {
    policy p;
    p.policy_mode = mode::enforce;
    p.max_age = std::chrono::seconds{604800};
    const std::string host = "mx" + std::to_string(i) + ".mail.example.net";
    p.mx_patterns = {host, "*.backup.example.net"};
    p.policy_strings = {"version: STSv1", "mode: enforce", "mx: " + host, "mx: *.backup.example.net",
                        "max_age: 604800"};
    return p;
}

void fill(policy_cache& cache, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const auto d = domain_name(i);
        cache.begin(d, txt_outcome::found("20240101T000000"), t0);
        cache.complete_fetch(d, "20240101T000000", fetch_outcome{typical_policy(i)}, t0);
    }
}

void cache_hit_begin(benchmark::State& state) {
    const auto count = static_cast<std::size_t>(state.range(0));
    policy_cache cache;
    fill(cache, count);
    std::vector<std::string> domains;
    for (std::size_t i = 0; i < count; ++i) domains.push_back(domain_name(i));
    const auto txt = txt_outcome::found("20240101T000000");
    const auto now = t0 + std::chrono::hours{1};
    std::size_t next = 0;
    for (auto _ : state) {
        auto decision = cache.begin(domains[next], txt, now);
        benchmark::DoNotOptimize(decision);
        if (++next == count) next = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(cache_hit_begin)->Arg(1)->Arg(1000)->Arg(100000);

void cache_memory_per_entry(benchmark::State& state) {
    const auto count = static_cast<std::size_t>(state.range(0));
    double bytes_per_entry = 0;
    for (auto _ : state) {
        // fill()'s temporaries are freed before the second reading, so the difference is
        // what the cache keeps.
        const std::size_t before = mallinfo2().uordblks;
        {
            policy_cache cache;
            fill(cache, count);
            const std::size_t after = mallinfo2().uordblks;
            bytes_per_entry = static_cast<double>(after - before) / static_cast<double>(count);
            benchmark::DoNotOptimize(cache);
        }
    }
    state.counters["bytes_per_entry"] = bytes_per_entry;
    state.counters["MiB_per_million"] = bytes_per_entry * 1e6 / (1024.0 * 1024.0);
}
BENCHMARK(cache_memory_per_entry)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
