// Tests reports/sha256.hpp against the FIPS 180-4 example vectors, and that the streaming
// form agrees with the one-shot form however the input is split.
#include "reports/sha256.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

BOOST_AUTO_TEST_SUITE(reports_sha256)

BOOST_AUTO_TEST_CASE(known_vectors_give_their_published_digests) {
    BOOST_TEST(sts::reports::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_TEST(sts::reports::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(streaming_over_every_split_gives_the_one_shot_digest) {
    const std::string text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    const auto whole = sts::reports::sha256_hex(text);
    BOOST_TEST(whole == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    for (std::size_t split = 0; split <= text.size(); ++split) {
        sts::reports::sha256_stream s;
        s.add(std::string_view(text).substr(0, split));
        s.add(std::string_view(text).substr(split));
        BOOST_TEST(s.finish_hex() == whole);
    }
}

BOOST_AUTO_TEST_SUITE_END()
