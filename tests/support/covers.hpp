// tests/support/covers.hpp
//
// Every test case names the requirement ids (docs/requirements.toml) it proves:
//
//   BOOST_AUTO_TEST_CASE(id_of_33_characters_is_rejected, *covers("STS-DISC-06"))
//
// The ids land in the case's Boost.Test description ("covers: STS-DISC-06"), visible in
// --list_content, and tests/unit/sim/catalogue_test.cpp fails when a test or scenario names
// an id the catalogue does not have.
#pragma once

#include <boost/test/unit_test.hpp>

#include <forward_list>
#include <string>

namespace sts::test {

// Boost.Test keeps only a pointer to a description's text, so the text must outlive the
// test tree: it is kept here for the life of the process (decorators run during static
// initialisation, one thread).
template <class... Ids>
boost::unit_test::decorator::description covers(const Ids&... ids) {
    static std::forward_list<std::string> texts;
    std::string text = "covers:";
    ((text += ' ', text += ids), ...);
    texts.push_front(std::move(text));
    return boost::unit_test::description(texts.front());
}

}  // namespace sts::test
