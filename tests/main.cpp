// The one translation unit that defines the Boost.Test module; every other test file
// adds suites to it.
#define BOOST_TEST_MODULE mtasts_sim_tests
#include <boost/test/unit_test.hpp>
