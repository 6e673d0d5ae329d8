// reports/junit_xml.hpp
//
// junit.xml for CI (issue 5, item 3), in the common JUnit XML shape that CI systems read:
// one <testsuite>, one <testcase> per scenario with classname = the scenario's area (the
// first part of its name, or else its file's folder), its requirement ids as <property
// name="requirement">, and for a failed scenario a <failure> whose message is the first
// unmet expectation and whose text is what was found and the engine log around it.
//
// No timestamps, host names or durations: CI readers treat them as optional, and leaving
// them out keeps the file byte-identical across reruns. All text goes through escape_xml.
#pragma once

#include "reports/suite_record.hpp"

#include <string>
#include <string_view>

namespace sts::reports {

std::string render_junit_xml(const suite_record& suite);

// The area a scenario belongs to: the part of its name before the first '/', else the name
// of its file's folder, else "scenarios".
std::string area_of(const scenario_record& scenario);

}  // namespace sts::reports
