// SMS encoding and segment count of a text, by the rules of the server's
// src/channels/common/sms_encoding.cpp (3GPP TS 23.038 and TS 23.040). A text is GSM-7 when
// every character is in the basic or extension table, where an extension character costs two
// septets. Otherwise it is UCS-2, counted in UTF-16 code units. One message holds 160 septets or 70 units; a
// concatenated one holds 153 or 67 per part. A part never splits an escape pair, a surrogate
// pair or a grapheme cluster (an emoji with its modifiers), so a cluster that does not fit
// moves whole to the next part.

const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION = "\f^{}\\[~]|€";

export const GSM7_SINGLE_SEPTETS = 160;
export const GSM7_PART_SEPTETS = 153;
export const UCS2_SINGLE_UNITS = 70;
export const UCS2_PART_UNITS = 67;

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

function gsmCost(character) {
  if (basic.has(character)) {
    return 1;
  }
  return extension.has(character) ? 2 : null;
}

export function fitsGsm7(text) {
  for (const character of text) {
    if (gsmCost(character) === null) {
      return false;
    }
  }
  return true;
}

function clusters(text) {
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    return Array.from(new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text),
      (part) => part.segment);
  }
  return Array.from(text);
}

// Counts the parts that greedy packing of `costs` into `partSize` units needs.
function countParts(costs, partSize) {
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > partSize && used > 0) {
      parts += 1;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

/// Returns {encoding: "gsm7" | "ucs2", units, segments} for `text`.
export function countSmsSegments(text) {
  if (text.length === 0) {
    return { encoding: "gsm7", units: 0, segments: 0 };
  }
  const gsm = fitsGsm7(text);
  const costs = clusters(text).map((cluster) => {
    if (!gsm) {
      return cluster.length;
    }
    let septets = 0;
    for (const character of cluster) {
      septets += gsmCost(character);
    }
    return septets;
  });
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const single = gsm ? GSM7_SINGLE_SEPTETS : UCS2_SINGLE_UNITS;
  const part = gsm ? GSM7_PART_SEPTETS : UCS2_PART_UNITS;
  const segments = units <= single ? 1 : countParts(costs, part);
  return { encoding: gsm ? "gsm7" : "ucs2", units, segments };
}
