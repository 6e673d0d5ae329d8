#include "engine/dns/tcp_framing.hpp"

#include "engine/dns/query.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

namespace {

using sts::dns::tcp_frame_reader;
using bytes = std::vector<std::uint8_t>;
using frames = std::vector<bytes>;

bytes encoded_query(std::uint16_t id, const char* name) {
    return *sts::dns::encode(sts::dns::make_query(id, name, sts::dns::rr_type::txt));
}

const bytes first_message = encoded_query(1, "_mta-sts.example.com");
const bytes second_message = encoded_query(2, "_smtp._tls.example.org");

bytes two_message_stream() {
    bytes stream = *sts::dns::frame_for_tcp(first_message);
    const bytes second = *sts::dns::frame_for_tcp(second_message);
    stream.insert(stream.end(), second.begin(), second.end());
    return stream;
}

// Feeds the stream cut at the given offsets (ascending) and collects every message.
frames read_in_pieces(const bytes& stream, const std::vector<std::size_t>& cuts) {
    tcp_frame_reader reader;
    frames out;
    std::size_t from = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(stream.size());
    for (const std::size_t to : ends) {
        auto got = reader.feed(std::span(stream).subspan(from, to - from));
        BOOST_TEST_REQUIRE(got.has_value());
        for (auto& f : *got) out.push_back(std::move(f));
        from = to;
    }
    BOOST_TEST(reader.at_frame_boundary());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dns_tcp_framing)

BOOST_AUTO_TEST_CASE(frame_is_the_message_after_a_two_byte_big_endian_length) {
    const bytes message(300, 0xAB);
    const auto framed = sts::dns::frame_for_tcp(message);
    BOOST_TEST_REQUIRE(framed.has_value());
    BOOST_TEST(framed->size() == 302u);
    BOOST_TEST((*framed)[0] == 0x01);
    BOOST_TEST((*framed)[1] == 0x2C);
    BOOST_TEST(bytes(framed->begin() + 2, framed->end()) == message);
}

BOOST_AUTO_TEST_CASE(message_over_65535_bytes_cannot_be_framed) {
    BOOST_TEST(!sts::dns::frame_for_tcp(bytes(65536, 0)).has_value());
    BOOST_TEST(sts::dns::frame_for_tcp(bytes(65535, 0)).has_value());
}

BOOST_AUTO_TEST_CASE(two_messages_come_out_whole_at_every_split_point) {
    const bytes stream = two_message_stream();
    const frames expected = {first_message, second_message};
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        BOOST_TEST((read_in_pieces(stream, {cut}) == expected), "cut at " << cut);
    }
}

BOOST_AUTO_TEST_CASE(two_messages_come_out_whole_at_every_pair_of_split_points) {
    const bytes stream = two_message_stream();
    const frames expected = {first_message, second_message};
    for (std::size_t a = 0; a <= stream.size(); ++a) {
        for (std::size_t b = a; b <= stream.size(); ++b) {
            if (read_in_pieces(stream, {a, b}) != expected) BOOST_FAIL("cuts at " << a << " and " << b);
        }
    }
}

BOOST_AUTO_TEST_CASE(two_messages_come_out_whole_byte_by_byte) {
    const bytes stream = two_message_stream();
    tcp_frame_reader reader;
    frames out;
    for (std::size_t i = 0; i < stream.size(); ++i) {
        auto got = reader.feed(std::span(stream).subspan(i, 1));
        BOOST_TEST_REQUIRE(got.has_value());
        // A message is complete exactly when its last byte arrives.
        const bool ends_frame = i + 1 == first_message.size() + 2 || i + 1 == stream.size();
        BOOST_TEST(got->size() == (ends_frame ? 1u : 0u), "byte " << i);
        BOOST_TEST(reader.at_frame_boundary() == ends_frame, "byte " << i);
        for (auto& f : *got) out.push_back(std::move(f));
    }
    BOOST_TEST((out == frames{first_message, second_message}));
}

BOOST_AUTO_TEST_CASE(largest_frame_is_accepted_by_default) {
    bytes stream = {0xFF, 0xFF};
    stream.resize(2 + 65535, 0x5A);
    tcp_frame_reader reader;
    const auto got = reader.feed(stream);
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST_REQUIRE(got->size() == 1u);
    BOOST_TEST(got->front().size() == 65535u);
}

BOOST_AUTO_TEST_CASE(frame_over_the_limit_fails_the_stream_at_its_prefix) {
    tcp_frame_reader reader(512);
    bytes stream = *sts::dns::frame_for_tcp(first_message);
    stream.push_back(0x02);
    stream.push_back(0x01);  // 513 bytes announced
    stream.resize(stream.size() + 513, 0);
    const auto got = reader.feed(stream);
    BOOST_TEST_REQUIRE(!got.has_value());
    BOOST_TEST(got.error().column == first_message.size() + 2 + 1);
    BOOST_TEST(got.error().rule.find("513") != std::string::npos);
    BOOST_TEST(reader.failed());
    // The stream cannot be resynchronised: later bytes fail too.
    BOOST_TEST(!reader.feed(first_message).has_value());
}

BOOST_AUTO_TEST_CASE(frame_at_the_limit_is_accepted_when_split_anywhere_in_the_prefix) {
    bytes stream = {0x02, 0x00};
    stream.resize(2 + 512, 1);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        tcp_frame_reader reader(512);
        const auto a = reader.feed(std::span(stream).first(cut));
        const auto b = reader.feed(std::span(stream).subspan(cut));
        BOOST_TEST_REQUIRE(a.has_value());
        BOOST_TEST_REQUIRE(b.has_value());
        BOOST_TEST(a->size() + b->size() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(frame_shorter_than_a_header_fails_the_stream) {
    tcp_frame_reader reader;
    const auto got = reader.feed(bytes{0x00, 0x0B});
    BOOST_TEST_REQUIRE(!got.has_value());
    BOOST_TEST(got.error().column == 1u);
    BOOST_TEST(!tcp_frame_reader().feed(bytes{0x00, 0x00}).has_value());
}

BOOST_AUTO_TEST_CASE(stream_ending_mid_frame_is_visible) {
    tcp_frame_reader reader;
    const bytes stream = two_message_stream();
    BOOST_TEST(reader.at_frame_boundary());
    BOOST_TEST(reader.feed(std::span(stream).first(1))->empty());
    BOOST_TEST(!reader.at_frame_boundary());
}

BOOST_AUTO_TEST_SUITE_END()
