// Tests reports/text_escape.hpp: every report format's escaping turns markup characters
// into inert text, and invalid UTF-8 and control bytes into visible, valid text.
#include "reports/text_escape.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(reports_text_escape)

BOOST_AUTO_TEST_CASE(html_escaping_turns_markup_into_character_references) {
    BOOST_TEST(sts::reports::escape_html("<script>alert('x')</script> & \"q\"") ==
               "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
}

BOOST_AUTO_TEST_CASE(xml_escaping_closes_no_cdata_and_keeps_line_breaks_in_attributes) {
    BOOST_TEST(sts::reports::escape_xml("]]> <a b='c'>\n\t&") ==
               "]]&gt; &lt;a b=&apos;c&apos;&gt;&#10;&#9;&amp;");
}

BOOST_AUTO_TEST_CASE(markdown_escaping_keeps_a_table_cell_one_inert_cell) {
    BOOST_TEST(sts::reports::escape_markdown_inline("a|b `c` *d* _e_ [f](g) <h>\nnext & #i \\") ==
               "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) &lt;h&gt; next &amp; \\#i \\\\");
}

BOOST_AUTO_TEST_CASE(control_bytes_become_visible_hex_and_tab_and_line_feed_stay) {
    BOOST_TEST(sts::reports::printable_text("a\x01" "b\rc\x7f\td\ne"s) == "a\\x01b\\x0dc\\x7f\td\ne");
    BOOST_TEST(sts::reports::printable_text("nul\0byte"s) == "nul\\x00byte");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_the_replacement_character_and_valid_utf8_stays) {
    BOOST_TEST(sts::reports::printable_text("\xC3\xA9t\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x93\xA7") ==
               "\xC3\xA9t\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x93\xA7");
    BOOST_TEST(sts::reports::printable_text("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    // Overlong "/" (C0 AF), a lone continuation byte, a surrogate and a truncated sequence.
    BOOST_TEST(sts::reports::printable_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    BOOST_TEST(sts::reports::printable_text("\x80") == "\xEF\xBF\xBD");
    BOOST_TEST(sts::reports::printable_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    BOOST_TEST(sts::reports::printable_text("\xE2\x86") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(escaping_is_applied_after_making_text_printable) {
    BOOST_TEST(sts::reports::escape_html("<\x1b[31m>") == "&lt;\\x1b[31m&gt;");
    BOOST_TEST(sts::reports::escape_xml("\x0c") == "\\x0c");
}

BOOST_AUTO_TEST_SUITE_END()
