// bench/dns_bench.cpp
//
// Encode and decode cost of engine/dns/message.hpp for the two answers the engine reads
// on every delivery to a new domain: an MX response with two exchanges (compressed, with
// an OPT record, as a resolver sends it) and the _mta-sts TXT response with a two-string
// record. Bytes per second counts the wire size, so encode and decode compare directly.
#include "engine/dns/message.hpp"

#include "engine/dns/query.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

using namespace sts::dns;

message mx_response() {
    message m = make_response(make_query(0x1234, "example.com", rr_type::mx, {.dnssec_ok = true}));
    m.header.ra = true;
    m.answers.push_back(record{"example.com", rr_class::in, 300, mx_rdata{10, "mx1.example.com"}});
    m.answers.push_back(record{"example.com", rr_class::in, 300, mx_rdata{20, "mx2.backup.example.net"}});
    return m;
}

message txt_response() {
    message m = make_response(make_query(0xBEEF, "_mta-sts.example.com", rr_type::txt));
    m.header.ra = true;
    m.header.ad = true;
    m.answers.push_back(record{"_mta-sts.example.com", rr_class::in, 3600,
                               txt_rdata{{"v=STSv1; id=20240101T0000", "00Z; ext=1"}}});
    return m;
}

void encode_bench(benchmark::State& state, const message& m) {
    std::size_t size = 0;
    for (auto _ : state) {
        auto wire = encode(m);
        size = wire->size();
        benchmark::DoNotOptimize(wire);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void decode_bench(benchmark::State& state, const message& m) {
    const std::vector<std::uint8_t> wire = *encode(m);
    for (auto _ : state) {
        auto decoded = decode(wire);
        benchmark::DoNotOptimize(decoded);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

void dns_encode_mx_response(benchmark::State& state) { encode_bench(state, mx_response()); }
void dns_decode_mx_response(benchmark::State& state) { decode_bench(state, mx_response()); }
void dns_encode_txt_response(benchmark::State& state) { encode_bench(state, txt_response()); }
void dns_decode_txt_response(benchmark::State& state) { decode_bench(state, txt_response()); }

}  // namespace

BENCHMARK(dns_encode_mx_response);
BENCHMARK(dns_decode_mx_response);
BENCHMARK(dns_encode_txt_response);
BENCHMARK(dns_decode_txt_response);
