// Checks the console's SMS segment counter against the cases of the server's
// src/channels/common/sms_encoding_test.cpp, so both count the same segments.
import assert from "node:assert/strict";
import { test } from "node:test";

import { countSmsSegments, fitsGsm7 } from "../src/shared/sms_segments.js";

const digits = (count) => "0123456789".repeat(Math.ceil(count / 10)).slice(0, count);
const winkingFace = "\u{1F61C}";
const thumbsUpDark = "\u{1F44D}\u{1F3FF}";

const cases = [
  { name: "extension character fills one segment", text: "{" + digits(158), encoding: "gsm7", units: 160, segments: 1 },
  { name: "one septet over needs two segments", text: "{" + digits(159), encoding: "gsm7", units: 161, segments: 2 },
  { name: "emoji with digits fills one UCS-2 segment", text: winkingFace + digits(68), encoding: "ucs2", units: 70, segments: 1 },
  { name: "emoji with more digits needs two segments", text: winkingFace + digits(69), encoding: "ucs2", units: 71, segments: 2 },
  { name: "carets never split an escape pair", text: "^".repeat(81), encoding: "gsm7", units: 162, segments: 2 },
  { name: "surrogate pair stays in one part", text: "A".repeat(69) + winkingFace, encoding: "ucs2", units: 71, segments: 2 },
  { name: "surrogate pair at the boundary moves whole", text: "A".repeat(66) + winkingFace + "B".repeat(10), encoding: "ucs2", units: 78, segments: 2 },
  { name: "skin tone modifier stays with its emoji", text: "A".repeat(64) + thumbsUpDark + "B".repeat(10), encoding: "ucs2", units: 78, segments: 2 },
  { name: "GSM accents stay GSM-7", text: "£ é ñ ü Ä ß €", encoding: "gsm7", units: 14, segments: 1 },
  { name: "empty text has no segments", text: "", encoding: "gsm7", units: 0, segments: 0 },
  { name: "long GSM text splits at 153", text: "a".repeat(306), encoding: "gsm7", units: 306, segments: 2 },
  { name: "long GSM text needs a third part", text: "a".repeat(307), encoding: "gsm7", units: 307, segments: 3 },
];

for (const expected of cases) {
  test(expected.name, () => {
    const counted = countSmsSegments(expected.text);
    assert.equal(counted.encoding, expected.encoding);
    assert.equal(counted.units, expected.units);
    assert.equal(counted.segments, expected.segments);
  });
}

test("backtick and curly quotes force UCS-2", () => {
  assert.equal(fitsGsm7("`"), false);
  assert.equal(countSmsSegments("a`b").encoding, "ucs2");
  assert.equal(fitsGsm7("\u201Cquoted\u201D"), false);
});

test("ASCII lookalikes of the extension table fit GSM-7", () => {
  assert.equal(fitsGsm7("$@_{}[]~|\\^\f"), true);
});
