// reports/tlsrpt_placement.hpp
//
// Where each scenario's TLS-RPT aggregate report (RFC 8460 §4.4) goes under the report
// folder. A report keeps the file name the engine gave it (RFC 8460 §5.1:
// `sender!policy-domain!begin!end.json`) directly under tlsrpt/, unless another report of
// the suite has the same name: then every report of that name goes under
// tlsrpt/<scenario name with slashes as dashes>/, so none overwrites another. Names are
// made safe as path components first (no slashes, no leading dot, printable), because
// they are built from peer-influenced domain names.
#pragma once

#include "reports/suite_record.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace sts::reports {

struct placed_tlsrpt {
    std::size_t scenario = 0;  // index into suite_record::scenarios
    std::size_t file = 0;      // index into that scenario's tlsrpt
    std::string path;          // relative to the report folder, with '/' separators
};

// In scenario order, then the scenario's own order; paths are unique.
std::vector<placed_tlsrpt> place_tlsrpt_files(const suite_record& suite);

}  // namespace sts::reports
