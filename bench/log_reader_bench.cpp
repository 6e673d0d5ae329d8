// Streaming a 100 MB customer mail log through sim/replay/log_reader.hpp (issue 6: "reading
// a 100 MB log streams in bounded memory; bench/ measures lines/s").
//
// The log is generated once into a temporary file: a mix of the engine's line families with
// syslog and CRLF variants, one line in 500 wrapped over two physical lines, and one 1 MB
// line in the middle. Two benchmarks read it:
// - baseline_getline_100mb: std::getline over the same file, the least work any line reader
//   must do;
// - log_reader_100mb: the reader, classifying every line.
// Each reports lines/s, bytes/s and the peak RSS of its own run (getrusage, after the
// kernel's peak counter is reset through /proc/self/clear_refs where that is allowed).
// log_reader_100mb also measures the baseline itself in the same run and reports the ratios:
// time_vs_getline (how many times slower than getline) and rss_vs_getline (peak RSS over
// getline's), so figures from different machines compare.
#include "sim/replay/log_reader.hpp"

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr std::uint64_t log_bytes_target = 100ull * 1024 * 1024;

class generated_log {
public:
    generated_log() {
        path_ = std::filesystem::temp_directory_path() /
                ("sts_log_reader_bench_" + std::to_string(::getpid()) + ".log");
        const std::vector<std::string> lines = {
            "Wed Sep  6 13:13:16 2023 Info: MID 1234 queued for delivery",
            "Wed Sep  6 13:13:16 2023 Debug: DNS query: Q(_mta-sts.example.com, 'TXT')",
            "Wed Sep  6 13:13:16 2023 Debug: DNS encache (_mta-sts.example.com, TXT, [(1694006296L, 0, 'insecure', "
            "('v=STSv1; id=20230906',))])",
            "Wed Sep  6 13:13:16 2023 Info: Successfully fetched MTA-STS TXT record for domain(example.com)",
            "Wed Sep  6 13:13:16 2023 Debug: Fetched MTA-STS policy for domain(example.com) mode enforce max_age 86400",
            "Wed Sep  6 13:13:16 2023 Info: Applying MTA-STS policy for the domain (example.com)",
            "<22>Sep  6 13:13:16 gw1 mail_logs: Info: New SMTP DCID 77 interface 10.0.0.1 address 192.0.2.25 port 25",
            "Wed Sep  6 13:13:17 2023 Info: DCID 77 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384\r",
            "Wed Sep  6 13:13:17 2023 Info: MTA-STS policy for the domain (example.com) Successful.",
            "Wed Sep  6 13:13:17 2023 Info: Delivery start DCID 77 MID 1234 to RID [0, 1]",
            "Wed Sep  6 13:13:17 2023 Info: MID 1234 RID [0, 1] Response '2.0.0 Ok: queued as 4Q1X2Y'",
            "Wed Sep  6 13:13:17 2023 Info: Delayed: DCID 78 MID 1235 From: <alice@sender.example> To: "
            "<bob@example.org> RID 0 - 4.7.5 - TLS required ('000', ['TLS was required but could not be "
            "successfully negotiated'])",
            "Wed Sep  6 13:13:17 2023 Info: DCID 78 TLS deferring: verify error: peer cert does not match domain",
            "Wed Sep  6 13:13:17 2023 Info: something a newer product version writes",
            "Wed Sep  6 13:13:18 2023 Info: DCID 77 close",
        };
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        std::uint64_t written = 0;
        std::uint64_t n = 0;
        bool long_line_written = false;
        while (written < log_bytes_target) {
            const std::string& line = lines[n % lines.size()];
            if (n % 500 == 499) {
                // Wrapped where a mail client would.
                const auto cut = line.size() / 2;
                out << line.substr(0, cut) << '\n' << line.substr(cut) << '\n';
            } else {
                out << line << '\n';
            }
            written += line.size() + 1;
            if (!long_line_written && written > log_bytes_target / 2) {
                const std::string big = "Wed Sep  6 13:13:18 2023 Info: DCID 9 TLS failed: " +
                                        std::string(1024 * 1024, 'x');
                out << big << '\n';
                written += big.size() + 1;
                long_line_written = true;
            }
            ++n;
        }
        out.close();
        bytes_ = std::filesystem::file_size(path_);
    }
    ~generated_log() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    generated_log(const generated_log&) = delete;
    generated_log& operator=(const generated_log&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::uint64_t bytes() const { return bytes_; }

private:
    std::filesystem::path path_;
    std::uint64_t bytes_ = 0;
};

const generated_log& hundred_mb_log() {
    static const generated_log log;
    return log;
}

// Linux: writing 5 to clear_refs resets the peak RSS the kernel keeps (and getrusage
// reports), so a benchmark's peak is its own and not the process's so far.
void reset_peak_rss() {
    std::ofstream clear("/proc/self/clear_refs");
    if (clear) clear << "5";
}

double peak_rss_mb() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

struct run_figures {
    std::uint64_t lines = 0;
    double seconds = 0;
    double rss_mb = 0;
};

run_figures run_getline(const std::filesystem::path& path) {
    reset_peak_rss();
    const auto start = std::chrono::steady_clock::now();
    std::ifstream in(path, std::ios::binary);
    std::string line;
    run_figures f;
    while (std::getline(in, line)) ++f.lines;
    benchmark::DoNotOptimize(line);
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    f.rss_mb = peak_rss_mb();
    return f;
}

run_figures run_reader(const std::filesystem::path& path) {
    reset_peak_rss();
    const auto start = std::chrono::steady_clock::now();
    std::ifstream in(path, std::ios::binary);
    sts::sim::log_reader reader(in, 2023);
    run_figures f;
    while (true) {
        auto next = reader.next();
        if (!next || !next.value()) break;
        benchmark::DoNotOptimize(next.value()->family);
        ++f.lines;
    }
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    f.rss_mb = peak_rss_mb();
    return f;
}

void report(benchmark::State& state, const run_figures& f, std::uint64_t bytes) {
    state.SetIterationTime(f.seconds);
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["lines_per_s"] = benchmark::Counter(static_cast<double>(f.lines) / f.seconds);
    state.counters["peak_rss_mb"] = f.rss_mb;
}

void baseline_getline_100mb(benchmark::State& state) {
    const auto& log = hundred_mb_log();
    for (auto _ : state) report(state, run_getline(log.path()), log.bytes());
}

void log_reader_100mb(benchmark::State& state) {
    const auto& log = hundred_mb_log();
    const run_figures baseline = run_getline(log.path());
    for (auto _ : state) {
        const run_figures f = run_reader(log.path());
        report(state, f, log.bytes());
        state.counters["logical_lines"] = static_cast<double>(f.lines);
        state.counters["time_vs_getline"] = f.seconds / baseline.seconds;
        state.counters["rss_vs_getline"] = f.rss_mb / baseline.rss_mb;
    }
}

}  // namespace

BENCHMARK(baseline_getline_100mb)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(log_reader_100mb)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
