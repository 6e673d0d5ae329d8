// Tests sim/replay/log_reader.hpp: logical lines out of physical ones (wrapped lines joined,
// blank lines folded, CRLF), the same result at every chunk boundary, bounded memory on
// hostile input (a 1 MB line, a million lines, binary junk), and the refusal of input that
// is not a text log.
#include "sim/replay/log_reader.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

namespace {

using namespace sts;
using sim::line_family;
using sim::trace_line;

struct read_all_result {
    std::vector<trace_line> lines;
    std::string error;
    sim::log_read_stats stats;
};

read_all_result read_all(const std::string& input, std::size_t read_bytes = sim::log_read_bytes) {
    std::istringstream in(input);
    sim::log_reader reader(in, 2023, read_bytes);
    read_all_result out;
    while (true) {
        auto next = reader.next();
        if (!next) {
            out.error = next.error().message;
            break;
        }
        if (!next.value()) break;
        out.lines.push_back(std::move(*next.value()));
    }
    out.stats = reader.stats();
    return out;
}

const std::string small_log =
    "Wed Sep  6 13:13:16 2023 Info: MID 12 queued for delivery\n"
    "Wed Sep  6 13:13:16 2023 Debug: DNS query: Q(_mta-sts.example.com, 'TXT')\r\n"
    "Wed Sep  6 13:13:16 2023 Info: Successfully fetched MTA-STS TXT record for domain(exam\n"
    "ple.com)\n"
    "\n"
    "Wed Sep  6 13:13:17 2023 Info: DCID 3 TLS failed: peer did not\n"
    "return a certificate\n"
    "a note someone typed into the log\n"
    "Wed Sep  6 13:13:18 2023 Info: DCID 3 close";

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_replay_log_reader)

BOOST_AUTO_TEST_CASE(a_log_is_read_as_logical_lines_with_their_first_line_numbers)
{
    const auto r = read_all(small_log);
    BOOST_TEST(r.error == "");
    BOOST_REQUIRE(r.lines.size() == 5u);
    BOOST_TEST(to_string(r.lines[0].family) == "message_queued");
    BOOST_TEST(r.lines[0].number == 1u);
    BOOST_TEST(to_string(r.lines[1].family) == "dns_query");
    BOOST_TEST(r.lines[1].raw.back() == ')');  // the CR is not part of the line
    BOOST_TEST(to_string(r.lines[2].family) == "txt_found");
    BOOST_TEST(r.lines[2].number == 3u);
    BOOST_TEST(r.lines[2].domain == "example.com");  // joined without a blank: it reads
    BOOST_TEST(to_string(r.lines[3].family) == "tls_failed");
    BOOST_TEST(r.lines[3].number == 6u);
    // Both joins read; the blank is kept. The typed note continues the line too.
    BOOST_TEST(r.lines[3].detail == "peer did not return a certificate a note someone typed into the log");
    BOOST_TEST(to_string(r.lines[4].family) == "connection_close");
    BOOST_TEST(r.lines[4].number == 9u);

    BOOST_TEST(r.stats.bytes == small_log.size());
    BOOST_TEST(r.stats.physical_lines == 9u);
    BOOST_TEST(r.stats.logical_lines == 5u);
    BOOST_TEST(r.stats.classified == 5u);
    BOOST_TEST(r.stats.unclassified == 0u);
    BOOST_TEST(r.stats.joined == 4u);
}

BOOST_AUTO_TEST_CASE(every_chunk_boundary_gives_the_same_lines)
{
    std::string input = small_log + "\nWed Sep  6 13:13:19 2023 Info: DCID 4 TLS failed: " +
                        std::string(sim::trace_line_bytes_max + 50, 'y') + "\r\nInfo: not a log line at all\n";
    const auto reference = read_all(input);
    BOOST_REQUIRE(reference.lines.size() == 7u);
    BOOST_TEST(reference.lines[5].truncated);
    BOOST_TEST(to_string(reference.lines[6].family) == "unclassified");
    for (std::size_t chunk = 1; chunk <= 300; ++chunk) {
        const auto r = read_all(input, chunk);
        BOOST_TEST_CONTEXT("chunk " << chunk) {
            BOOST_REQUIRE(r.lines.size() == reference.lines.size());
            for (std::size_t i = 0; i < r.lines.size(); ++i) {
                BOOST_TEST(r.lines[i].raw == reference.lines[i].raw);
                BOOST_TEST(r.lines[i].number == reference.lines[i].number);
                BOOST_TEST((r.lines[i].family == reference.lines[i].family));
                BOOST_TEST(r.lines[i].truncated == reference.lines[i].truncated);
            }
            BOOST_TEST(r.stats.bytes == input.size());
        }
    }
}

BOOST_AUTO_TEST_CASE(more_continuation_lines_than_the_limit_start_a_new_line)
{
    std::string input = "Wed Sep  6 13:13:16 2023 Info: DCID 3 TLS failed: start\n";
    for (int i = 0; i < 20; ++i) input += "more words\n";
    const auto r = read_all(input);
    BOOST_REQUIRE(r.lines.size() == 3u);
    BOOST_TEST(to_string(r.lines[0].family) == "tls_failed");
    BOOST_TEST(r.lines[1].number == 2u + sim::continuation_lines_max);
    BOOST_TEST(to_string(r.lines[1].family) == "unclassified");
    BOOST_TEST(r.lines[2].number == 2u + 2 * (sim::continuation_lines_max + 1) - 1);
    BOOST_TEST(r.stats.joined == 20u - 2u);
}

BOOST_AUTO_TEST_CASE(an_empty_input_has_no_lines_and_is_no_error)
{
    const auto r = read_all("");
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.lines.empty());
    BOOST_TEST(r.stats.physical_lines == 0u);
}

BOOST_AUTO_TEST_CASE(binary_input_with_no_log_line_is_refused)
{
    std::string junk;
    std::uint32_t x = 12345;
    for (int i = 0; i < 100000; ++i) {
        x = x * 1103515245u + 12345u;
        junk += static_cast<char>(x >> 24);
    }
    auto r = read_all(junk);
    BOOST_TEST(r.lines.empty());
    BOOST_TEST(r.error.find("not a text log") != std::string::npos);

    // No NUL, but mostly bytes no text has.
    std::string no_nul;
    for (int i = 0; i < 4000; ++i) no_nul += (i % 3 == 0) ? 'a' : '\x01';
    r = read_all(no_nul);
    BOOST_TEST(r.error.find("not printable") != std::string::npos);

    std::string nul_early = "abc";
    nul_early += '\0';
    r = read_all(nul_early);
    BOOST_TEST(r.error == "not a text log: NUL byte at offset 3");
}

BOOST_AUTO_TEST_CASE(junk_inside_a_log_is_kept_as_unclassified_lines)
{
    std::string input = "Wed Sep  6 13:13:16 2023 Info: MID 12 queued for delivery\n";
    std::uint32_t x = 7;
    for (int i = 0; i < 3000; ++i) {
        x = x * 1103515245u + 12345u;
        input += static_cast<char>(x >> 24);
    }
    input += "\nWed Sep  6 13:13:18 2023 Info: DCID 3 close\n";
    const auto r = read_all(input);
    BOOST_TEST(r.error == "");
    BOOST_REQUIRE(r.lines.size() >= 2u);
    BOOST_TEST(to_string(r.lines.front().family) == "message_queued");
    BOOST_TEST(to_string(r.lines.back().family) == "connection_close");
    for (std::size_t i = 1; i + 1 < r.lines.size(); ++i) {
        BOOST_TEST(to_string(r.lines[i].family) == "unclassified");
        BOOST_TEST(r.lines[i].raw.size() <= sim::trace_line_bytes_max);
    }
}

BOOST_AUTO_TEST_CASE(a_one_megabyte_line_is_cut_at_the_cap_and_the_next_line_is_read)
{
    std::string input = "Wed Sep  6 13:13:16 2023 Info: DCID 3 TLS failed: ";
    input += std::string(1024 * 1024, 'z');
    input += "\nWed Sep  6 13:13:18 2023 Info: DCID 3 close\n";
    input += std::string(1024 * 1024, 'w');  // and one at the end without a line ending
    const auto r = read_all(input);
    BOOST_REQUIRE(r.lines.size() == 2u);
    BOOST_TEST(to_string(r.lines[0].family) == "tls_failed");
    BOOST_TEST(r.lines[0].truncated);
    BOOST_TEST(r.lines[0].raw.size() == sim::trace_line_bytes_max);
    // The endless `w` line is a continuation: joined to the close line, still capped.
    BOOST_TEST(to_string(r.lines[1].family) == "connection_close");
    BOOST_TEST(r.lines[1].truncated);
    BOOST_TEST(r.lines[1].raw.size() <= sim::trace_line_bytes_max);
    BOOST_TEST(r.stats.truncated == 2u);
    BOOST_TEST(r.stats.bytes == input.size());
}

BOOST_AUTO_TEST_CASE(a_million_short_lines_stream_through)
{
    std::string input;
    const std::string line = "Wed Sep  6 13:13:16 2023 Info: DCID 7 close\n";
    input.reserve(line.size() * 1000000);
    for (int i = 0; i < 1000000; ++i) input += line;
    std::istringstream in(std::move(input));
    sim::log_reader reader(in, 2023);
    std::uint64_t count = 0;
    std::size_t longest = 0;
    while (true) {
        auto next = reader.next();
        BOOST_REQUIRE(next.has_value());
        if (!next.value()) break;
        ++count;
        longest = std::max(longest, next.value()->raw.size());
    }
    BOOST_TEST(count == 1000000u);
    BOOST_TEST(reader.stats().classified == 1000000u);
    BOOST_TEST(longest == line.size() - 1);
}

namespace {

// A stream that fails after a few bytes, as a disk read error would.
class failing_buffer : public std::streambuf {
protected:
    int_type underflow() override {
        if (served_) throw std::ios_base::failure("disk error");
        served_ = true;
        setg(text_, text_, text_ + 5);
        return traits_type::to_int_type(text_[0]);
    }

private:
    char text_[6] = "Info:";
    bool served_ = false;
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_read_error_is_reported)
{
    failing_buffer buffer;
    std::istream in(&buffer);
    sim::log_reader reader(in);
    const auto next = reader.next();
    BOOST_REQUIRE(!next.has_value());
    BOOST_TEST(next.error().message.find("cannot read") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
