/*! sagasu static search engine (MIT). An ES module, no dependencies.
 * import { search } from "/search/sagasu.js";
 * const response = await search({ q: "インフラ勉強会", tag: ["hbstudy"], page: 1 });
 *
 * It answers with the document `GET /api/search` serves, from the files
 * `sagasu static` wrote next to it: `index.json.gz` on the first search, then
 * only the chunks a query needs (`w/` for the words of the query, `t/` for
 * their postings, `p/` for the hits shown). The rules are the server's:
 * the same normalization, query language, matching, ranking and tiers (see
 * crates/search/src/plan/, ranking.rs and split.rs); what differs is listed in the
 * README.
 */

const FORMAT = 3;
// Field weights, tiers and boosts: crates/search/src/ranking.rs.
const WEIGHT = { tt: 3, bt: 1, lt: 2, tb: 0.6, bb: 0.3 };
const READING_WEIGHT = { tr: 1, br: 0.5, tt: 1, bt: 0.5, tb: 0.5, bb: 0.25 };
const SUBSTRING_MIN_CHARS = 3;
const WORD_TIER = 1000;
const RELEVANCE_CAP = WORD_TIER - 1;
/** The least share of its content words a post of a relaxed search has: crates/search/src/ranking.rs. */
const RELAXED_FLOOR = 0.5;
const NEAR_SLOP = 8;
const NEAR_BOOST = 1.5;
const NAME_BOOST = 8;
const FACET_LIMIT = 30;
const SNIPPET_CHARS = 120;
const MAX_PER_PAGE = 100;
// Tantivy's BM25.
const K1 = 1.2;
const B = 0.75;
// Lexicon flags (crates/static/src/lexicon.rs).
const STOP = 1;
const INFORMATIVE = 2;
const VERB = 4;
const NOUN = 8;
const NAME = 16;
const SUFFIX_AFTER_NOUN = 32;
const SUFFIX_AFTER_NUMBER = 64;
const SUFFIX_AFTER_OTHER = 128;
const SUFFIX_FIRST = 256;
/** Longest lexicon entry tried, in characters. */
const LONGEST_WORD = 24;
/** Terms of the bigram fields for the bigrams starting (`^`) or ending (`$`) with a character, derived from its positions. */
const STARTS = "\u0001^";
const ENDS = "\u0001$";

const root = new URL(".", import.meta.url);
const loaded = new Map();

/** A chunk of the bundle that could not be loaded. */
export class BundleError extends Error {
  constructor(path, cause) {
    super(`sagasu: cannot load ${path} from the search bundle (${cause})`);
    this.name = "BundleError";
    this.path = path;
  }
}

/** One file of the bundle, fetched once (a failure is retried next time). */
function load(path) {
  if (!loaded.has(path)) {
    const promise = fetch(new URL(path, root))
      .then((response) => {
        if (!response.ok) throw new BundleError(path, `HTTP ${response.status}`);
        return readChunk(path, response);
      })
      .catch((error) => {
        loaded.delete(path);
        throw error instanceof BundleError ? error : new BundleError(path, error.message);
      });
    loaded.set(path, promise);
  }
  return loaded.get(path);
}

/**
 * The content of a response: JSON, a term bucket for `t/` files, or the
 * bytes of a post's deflate stream (see `post`). The manifest and the `t/`
 * and `w/` chunks are gzip files (crates/static/src/write.rs), inflated
 * here unless the server already did (`Content-Encoding: gzip`): neither
 * JSON nor a bucket's header length starts with gzip's magic bytes.
 */
async function readChunk(path, response) {
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (path.startsWith("p/")) return bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await inflate([bytes], "gzip");
  return path.includes(".bin") ? termBucket(bytes) : JSON.parse(new TextDecoder().decode(bytes));
}

/** The bytes `parts`, one after the other, inflate to (`format`: "gzip" or "deflate-raw"). */
async function inflate(parts, format) {
  return new Uint8Array(await new Response(new Blob(parts).stream().pipeThrough(new DecompressionStream(format))).arrayBuffer());
}

const storedPosts = new Map();

/** A post's stored fields, read once: its deflate stream goes on from the dictionary's (crates/static/src/write.rs). */
function post(index, number) {
  if (!storedPosts.has(number)) {
    const path = `p/${number}.bin`;
    const read = async () => {
      const [dictionary, rest] = await Promise.all([load("p/dictionary.bin"), load(path)]);
      try {
        const bytes = await inflate([dictionary, rest], "deflate-raw");
        return JSON.parse(new TextDecoder().decode(bytes.subarray(index.dictionary)));
      } catch (error) {
        throw new BundleError(path, error.message);
      }
    };
    storedPosts.set(
      number,
      read().catch((error) => {
        storedPosts.delete(number);
        throw error;
      }),
    );
  }
  return storedPosts.get(number);
}

/** `Map(term → {field: varint bytes})` of a term bucket: a 4-byte header length, the JSON header `[[term, field, bytes, …]…]`, the lists. */
function termBucket(bytes) {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  const terms = new Map();
  let at = 4 + length;
  for (const [term, ...lists] of header) {
    const fields = {};
    for (let i = 0; i < lists.length; i += 2) fields[lists[i]] = bytes.subarray(at, (at += lists[i + 1]));
    terms.set(term, fields);
  }
  return terms;
}

async function manifest() {
  const index = await load("index.json.gz");
  if (index.format !== FORMAT) throw new BundleError("index.json.gz", `format ${index.format}, this engine reads ${FORMAT}`);
  return index;
}

// --- normalization: crates/analyzer/src/normalize.rs -----------------------

const isCombining = (c) => /^[\uFF9E\uFF9F\u3099\u309A]$/.test(c) || /^\p{Mn}$/u.test(c);
const isNfkcStable = (c) => /^[\u3041-\u3096\u30A1-\u30FA\u30FC\u4E00-\u9FFF]$/.test(c);
const foldWave = (c) => (/^[\u301C\uFF5E\u223C\u2053\u3030]$/.test(c) ? "~" : c);

/** NFKC, lowercase and wave dashes, with `origin[i]`: the offset in `input` (UTF-16) of normalized unit `i`. */
export function normalize(input) {
  let text = "";
  const origin = [];
  const chars = Array.from(input);
  let offset = 0;
  for (let i = 0; i < chars.length; ) {
    let chunk = chars[i++];
    while (i < chars.length && isCombining(chars[i])) chunk += chars[i++];
    let out;
    if (chunk.length <= 2 && Array.from(chunk).length === 1 && (chunk.charCodeAt(0) < 0x80 || isNfkcStable(chunk))) {
      out = chunk.charCodeAt(0) < 0x80 ? foldWave(chunk.toLowerCase()) : chunk;
    } else {
      out = Array.from(chunk.normalize("NFKC"), (c) => Array.from(c.toLowerCase(), foldWave).join("")).join("");
    }
    text += out;
    for (let k = 0; k < out.length; k++) origin.push(offset);
    offset += chunk.length;
  }
  origin.push(input.length);
  return { text, origin, start: (at) => origin[at], end: (at) => originalEnd(origin, at) };
}

function originalEnd(origin, at) {
  if (at === 0) return 0;
  const chunkStart = origin[at - 1];
  for (let i = at; i < origin.length; i++) if (origin[i] !== chunkStart) return origin[i];
  return chunkStart;
}

/** A tag or category key: crates/analyzer/src/normalize.rs `normalize_key`. */
const normalizeKey = (value) => normalize(value).text.split(/\s+/u).filter(Boolean).join(" ");

// --- bigrams: crates/analyzer/src/bigram.rs ---------------------------------

const isAsciiAlnum = (c) => /^[0-9a-z]$/i.test(c);
const isWordChar = (c) => /^[\u3041-\u3096\u30A1-\u30FA\u4E00-\u9FFFー々ゝゞヽヾ〆]$/.test(c) || /^[\p{Alphabetic}\p{N}]$/u.test(c);
const isSymbol = (c) => /^[\u2190-\u21FF\u2300-\u23FF\u25A0-\u27BF\u2B00-\u2BFF\u200D\u20E3\uFE0F]$/u.test(c) || /^[\u{1F000}-\u{1FAFF}]$/u.test(c);
const classOf = (c) => (isAsciiAlnum(c) ? "ascii" : isWordChar(c) ? "other" : isSymbol(c) ? "symbol" : null);

/** The bigram tokens of normalized text, as `[position, text]`. */
function bigrams(text) {
  const out = [];
  const chars = Array.from(text);
  let position = 0;
  for (let i = 0; i < chars.length; ) {
    const kind = classOf(chars[i]);
    if (!kind) {
      i++;
      continue;
    }
    let end = i;
    while (end < chars.length && classOf(chars[end]) === kind) end++;
    const run = chars.slice(i, end);
    i = end;
    if (kind === "ascii" || run.length === 1) {
      out.push([position, run.join("")]);
      position += 2;
      continue;
    }
    for (let k = 0; k + 1 < run.length; k++) out.push([position++, run[k] + run[k + 1]]);
    position++;
  }
  return out;
}

// --- the query language: crates/search/src/query.rs -------------------------

const isSpace = (c) => /^\s$/u.test(c);
const isQuote = (c) => /^["\uFF02\u201C\u201D]$/.test(c);

function lex(input) {
  const items = [];
  const chars = Array.from(input);
  let i = 0;
  const skipSpace = () => {
    while (i < chars.length && isSpace(chars[i])) i++;
  };
  const until = (stop) => {
    let end = i;
    while (end < chars.length && !stop(chars[end])) end++;
    return end;
  };
  skipSpace();
  while (i < chars.length) {
    let negated = false;
    if (chars[i] === "-") {
      if (i + 1 >= chars.length || isSpace(chars[i + 1])) {
        i++;
        skipSpace();
        continue;
      }
      negated = true;
      i++;
    }
    if (isQuote(chars[i])) {
      const close = chars.findIndex((c, k) => k > i && isQuote(c));
      if (close < 0) {
        i++;
      } else {
        const phrase = chars.slice(i + 1, close).join("");
        if (phrase.trim()) items.push({ negated, atom: { kind: "phrase", text: phrase } });
        i = close + 1;
      }
      skipSpace();
      continue;
    }
    const end = until(isSpace);
    const word = chars.slice(i, end).join("");
    if (!negated && word === "OR") {
      items.push("OR");
      i = end;
      skipSpace();
      continue;
    }
    let filtered = false;
    for (const kind of ["tag", "category"]) {
      const prefix = `${kind}:`;
      if (word.slice(0, prefix.length).toLowerCase() !== prefix) continue;
      const from = i + prefix.length;
      let value;
      let next;
      if (from < chars.length && isQuote(chars[from])) {
        const close = chars.findIndex((c, k) => k > from && isQuote(c));
        if (close >= 0) {
          value = chars.slice(from + 1, close).join("");
          next = close + 1;
        } else {
          let stop = from + 1;
          while (stop < chars.length && !isSpace(chars[stop])) stop++;
          value = chars.slice(from + 1, stop).join("");
          next = stop;
        }
      } else {
        value = chars.slice(from, end).join("");
        next = end;
      }
      if (!value.trim()) break;
      items.push({ negated, atom: { kind, text: value.trim() } });
      i = next;
      filtered = true;
      break;
    }
    if (!filtered) {
      const text = Array.from(word).filter((c) => !isQuote(c)).join("");
      if (text) items.push({ negated, atom: { kind: "word", text } });
      i = end;
    }
    skipSpace();
  }
  return items;
}

/** `{ must: [[atom, …alternatives], …], mustNot: [atom, …] }`. */
export function parse(input) {
  const items = lex(input);
  const query = { must: [], mustNot: [] };
  const or = { kind: "word", text: "OR" };
  for (let i = 0; i < items.length; ) {
    const item = items[i];
    if (item === "OR") {
      query.must.push([or]);
      i++;
    } else if (item.negated) {
      query.mustNot.push(item.atom);
      i++;
    } else {
      const alternatives = [item.atom];
      i++;
      while (items[i] === "OR") {
        const next = items[i + 1];
        if (next && next !== "OR" && !next.negated) {
          alternatives.push(next.atom);
          i += 2;
        } else {
          query.must.push([or]);
          i++;
        }
      }
      query.must.push(alternatives);
    }
  }
  return query;
}

// --- spellings: crates/analyzer/src/spelling.rs -----------------------------

/** Words written in kanji or in kana, searched as the kana: `KANA_SPELLINGS`. */
const KANA_SPELLINGS = new Map([
  ["出来る", "できる"],
  ["分かる", "わかる"],
  ["解る", "わかる"],
  ["判る", "わかる"],
  ["下さる", "くださる"],
  ["頂く", "いただく"],
  ["致す", "いたす"],
  ["貰う", "もらう"],
  ["頑張る", "がんばる"],
  ["纏める", "まとめる"],
  ["揃える", "そろえる"],
  ["揃う", "そろう"],
  ["拘る", "こだわる"],
  ["呟く", "つぶやく"],
  ["捗る", "はかどる"],
  ["溜まる", "たまる"],
  ["溜める", "ためる"],
  ["弄る", "いじる"],
  ["躓く", "つまずく"],
  ["遡る", "さかのぼる"],
  ["美味しい", "おいしい"],
  ["嬉しい", "うれしい"],
  ["面白い", "おもしろい"],
  ["素晴らしい", "すばらしい"],
  ["凄い", "すごい"],
  ["難しい", "むずかしい"],
  ["可愛い", "かわいい"],
  ["煩い", "うるさい"],
  ["勿体無い", "もったいない"],
  ["宜しい", "よろしい"],
  ["綺麗", "きれい"],
  ["沢山", "たくさん"],
  ["様々", "さまざま"],
  ["色々", "いろいろ"],
  ["一緒", "いっしょ"],
  ["殆ど", "ほとんど"],
  ["既に", "すでに"],
  ["予め", "あらかじめ"],
  ["丁度", "ちょうど"],
  ["全て", "すべて"],
  ["勿論", "もちろん"],
  ["是非", "ぜひ"],
  ["流石", "さすが"],
  ["矢張り", "やはり"],
  ["中々", "なかなか"],
  ["時々", "ときどき"],
  ["益々", "ますます"],
  ["偶々", "たまたま"],
  ["御飯", "ごはん"],
  ["ご飯", "ごはん"],
  ["煙草", "たばこ"],
  ["林檎", "りんご"],
  ["葡萄", "ぶどう"],
  ["蜜柑", "みかん"],
  ["珈琲", "コーヒー"],
  ["蕎麦", "そば"],
  ["饂飩", "うどん"],
  ["海苔", "のり"],
  ["山葵", "わさび"],
]);
const SMALL_AFTER_VU = { ァ: "バ", ィ: "ビ", ェ: "ベ", ォ: "ボ" };
const SMALL_AFTER_U = { ィ: "ウイ", ェ: "ウエ", ォ: "ウオ" };

/** `text` in its one spelling: crates/analyzer/src/spelling.rs `respell`. */
function respell(text) {
  if (KANA_SPELLINGS.has(text)) return KANA_SPELLINGS.get(text);
  return text
    .replace(/ヴュ/g, "ビュ")
    .replace(/ヴ([ァィェォ])?/g, (_, small) => (small ? SMALL_AFTER_VU[small] : "ブ"))
    .replace(/ウ([ィェォ])/g, (_, small) => SMALL_AFTER_U[small]);
}

/** The kanji spellings of each kana spelling of the table. */
const KANJI_SPELLINGS = new Map();
for (const [kanji, kana] of KANA_SPELLINGS) KANJI_SPELLINGS.set(kana, [...(KANJI_SPELLINGS.get(kana) || []), kanji]);

/** The table's other spellings of `surface`: the posts may have the word only so. */
const otherSpellings = (surface) => (KANA_SPELLINGS.has(surface) ? [KANA_SPELLINGS.get(surface)] : KANJI_SPELLINGS.get(surface) || []);

/** Both spellings of the table's words that `texts` have, whose lexicon entries a search needs. */
const spellingsOf = (texts) => {
  const normalized = texts.map((text) => normalize(text).text);
  return [...KANA_SPELLINGS].filter((pair) => pair.some((spelling) => normalized.some((text) => text.includes(spelling)))).flat();
};

// --- readings: crates/analyzer/src/reading.rs -------------------------------

const toKatakana = (text) => text.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

/** `サーバー` → `サーバ`: crates/analyzer/src/morph.rs `stem_katakana`. */
function stemKatakana(text) {
  const chars = Array.from(text);
  if (chars.length >= 4 && chars[chars.length - 1] === "ー" && chars.slice(0, -1).every((c) => /^[\u30A1-\u30FAー]$/.test(c))) return chars.slice(0, -1).join("");
  return text;
}

function romajiToKatakana(word, romaji) {
  if (!word || !/^[a-z'-]+$/.test(word)) return null;
  const vowel = (c) => "aiueo".includes(c);
  let out = "";
  let at = 0;
  while (at < word.length) {
    const first = word[at];
    const next = word[at + 1];
    if (first === "n") {
      let taken = null;
      if (next === undefined) taken = 1;
      else if (next === "'") taken = 2;
      else if (next === "n") {
        const after = word[at + 2];
        taken = after !== undefined && (vowel(after) || after === "y") ? 1 : 2;
      } else if (!vowel(next) && next !== "y") taken = 1;
      if (taken !== null) {
        out += "ン";
        at += taken;
        continue;
      }
    }
    if ((next === first && !vowel(first) && first !== "-") || (first === "t" && next === "c")) {
      out += "ッ";
      at += 1;
      continue;
    }
    const found = romaji.find(([spelling]) => word.startsWith(spelling, at));
    if (!found) return null;
    out += found[1];
    at += found[0].length;
  }
  return out;
}

/** The katakana a hiragana or romaji word reads as, else null. */
function queryReading(text, romaji) {
  const word = normalize(text).text.trim();
  const chars = Array.from(word);
  const hiragana = (c) => /^[\u3041-\u3096]$/.test(c);
  let katakana;
  if (chars.every((c) => hiragana(c) || c === "ー") && chars.length >= 2 && chars.some(hiragana)) {
    katakana = toKatakana(word);
  } else {
    katakana = romajiToKatakana(word, romaji);
    if (!katakana || Array.from(katakana).length < 3) return null;
  }
  return stemKatakana(katakana);
}

// --- postings -----------------------------------------------------------------

/** FNV-1a over UTF-8, as crates/static/src/write.rs computes it. */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const bucketPath = (dir, key, count) => `${dir}/${(fnv1a(key) % count).toString(16)}.${dir === "t" ? "bin" : "json"}.gz`;

/** Decodes a posting list (varints: posts, post deltas, frequencies[, position deltas…]) into `Map(post → positions)` (or `→ frequency` without positions). */
function decode(bytes, positional) {
  let i = 0;
  const next = () => {
    let number = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[i++];
      number += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return number;
    }
  };
  const count = next();
  const posts = new Array(count);
  for (let k = 0, post = 0; k < count; k++) posts[k] = post += next();
  const frequencies = Array.from(posts, next);
  const map = new Map();
  posts.forEach((post, k) => {
    if (!positional) return map.set(post, frequencies[k]);
    const positions = new Array(frequencies[k]);
    for (let n = 0, at = 0; n < positions.length; n++) positions[n] = at += next();
    map.set(post, positions);
  });
  return map;
}

/** Variant bits of a character in a bigram field: it starts its run, it ends it (crates/static/src/write.rs). */
const RUN_FIRST = 1;
const RUN_LAST = 2;
const BIGRAM_FIELDS = new Set(["tb", "bb"]);

/**
 * What a bigram field's term is made of: a bigram `ab` (`[a, b]`), a run of
 * one character, or the bigrams starting or ending with one (`STARTS` and
 * `ENDS` keys) (`[c]`); null for an ASCII token, stored as itself.
 */
function lettersOf(term) {
  const key = term.startsWith(STARTS) || term.startsWith(ENDS);
  const letters = Array.from(key ? term.slice(STARTS.length) : term);
  return key || (letters.length <= 2 && !/^[0-9a-z]+$/.test(term)) ? letters : null;
}

/** The decoded characters of the bigram fields, by field and character. */
const decodedLetters = new Map();

/** The terms of one search: fetched by bucket, decoded once. */
class Terms {
  constructor(index) {
    this.index = index;
    this.wanted = new Set();
    this.buckets = new Map();
    this.decoded = new Map();
  }
  /** Marks what `term` of `field` needs fetched: the term, or in a bigram field the characters it is derived from. */
  want(field, term) {
    const letters = BIGRAM_FIELDS.has(field) && lettersOf(term);
    for (const key of letters || [term]) this.wanted.add(key);
  }
  async fetch() {
    const paths = new Set([...this.wanted].map((term) => bucketPath("t", term, this.index.term_buckets)));
    await Promise.all([...paths].map(async (path) => this.buckets.set(path, await load(path))));
  }
  /** `Map(post → positions | frequency)` of `term` in `field`, empty when absent. */
  get(field, term) {
    const key = `${field}\u0000${term}`;
    if (!this.decoded.has(key)) {
      const letters = BIGRAM_FIELDS.has(field) && lettersOf(term);
      this.decoded.set(key, letters ? this.derive(field, term, letters) : this.stored(field, term));
    }
    return this.decoded.get(key);
  }
  /** The list of `term` in `field` as the bucket stores it, decoded; empty when absent. */
  stored(field, term) {
    const bucket = this.buckets.get(bucketPath("t", term, this.index.term_buckets));
    const list = bucket?.get(term)?.[field];
    return list ? decode(list, field !== "tr" && field !== "br") : new Map();
  }
  /** `Map(post → coded positions)` of one character in a bigram field, decoded once for every search (the lists of common characters are long). */
  letter(field, c) {
    const key = `${field}\u0000${c}`;
    if (!this.buckets.has(bucketPath("t", c, this.index.term_buckets))) return new Map();
    if (!decodedLetters.has(key)) decodedLetters.set(key, this.stored(field, c));
    return decodedLetters.get(key);
  }
  /** A bigram field's term, from the positions of its characters (`position << 2 | variant`). */
  derive(field, term, [first, second]) {
    const out = new Map();
    const add = (post, positions) => positions.length && out.set(post, positions);
    const firsts = this.letter(field, first);
    if (second !== undefined) {
      // `ab` at p: `a` at p, not ending its run, and `b` at p + 1.
      const seconds = this.letter(field, second);
      for (const [post, coded] of firsts) {
        const next = seconds.get(post);
        if (!next) continue;
        const positions = [];
        let k = 0;
        for (const value of coded) {
          if (value & RUN_LAST) continue;
          const at = value >> 2;
          while (k < next.length && next[k] >> 2 <= at) k++;
          if (k < next.length && next[k] >> 2 === at + 1) positions.push(at);
        }
        add(post, positions);
      }
      return out;
    }
    const alone = (value) => (value & 3) === (RUN_FIRST | RUN_LAST);
    // The bigrams starting with c: c not only ending a run; ending with c: c not starting one, a position before.
    const position = term.startsWith(STARTS)
      ? (value) => (alone(value) || !(value & RUN_LAST) ? value >> 2 : null)
      : term.startsWith(ENDS)
        ? (value) => (alone(value) ? value >> 2 : value & RUN_FIRST ? null : (value >> 2) - 1)
        : (value) => (alone(value) ? value >> 2 : null);
    for (const [post, coded] of firsts) add(post, coded.map(position).filter((at) => at !== null));
    return out;
  }
}

// --- analysis of query words with the site's lexicon ------------------------

/** The words of the site's lexicon a search has fetched (crates/static/src/lexicon.rs). */
class Lexicon {
  constructor(index) {
    this.index = index;
    this.entries = new Map();
  }
  /** Fetches the lexicon buckets of every character of `texts`. */
  async load(texts) {
    const chars = new Set();
    for (const text of texts) for (const c of normalize(text).text) chars.add(c);
    const paths = new Set([...chars].map((c) => bucketPath("w", c, this.index.word_buckets)));
    const buckets = await Promise.all([...paths].map((path) => load(path)));
    for (const bucket of buckets) for (const [surface, entry] of Object.entries(bucket)) this.entries.set(surface, entry);
    return this;
  }
  /** `[query, flags, width, count]` of a surface, written with or without the final `ー` of a katakana word (`サーバー`, `サーバ`). */
  get(surface) {
    if (this.entries.has(surface)) return this.entries.get(surface);
    const stem = stemKatakana(surface);
    const other = stem !== surface ? stem : `${surface}ー`;
    return stemKatakana(other) === stem ? this.entries.get(other) : undefined;
  }
  /** What a word the posts have `count` times costs a cut: the less, the more often they have it. */
  cost(count) {
    return Math.log((this.index.word_total + 1) / (count + 1));
  }
}

/**
 * Cuts `text` into the words the site's lexicon knows, as the posts use
 * them: the cut with the least cost, a word costing the less the more often
 * the posts have it (so the cut has few words, and common ones: `1つの` is
 * `1`, `つ`, `の`, not `1` and a rare `つの`), and a character no word
 * covers as much as three words no post has. Returns words `{ query, flags,
 * suffix, position, width, from, to }` (offsets in `text`), and the
 * normalized text's bigrams.
 */
function analyze(text, words) {
  const norm = normalize(text);
  const chars = Array.from(norm.text);
  const offsets = [0];
  for (const c of chars) offsets.push(offsets[offsets.length - 1] + c.length);
  const n = chars.length;
  const best = new Array(n + 1).fill(null);
  best[0] = { cost: 0, piece: null, from: -1 };
  const consider = (from, to, piece, cost) => {
    const candidate = { cost: best[from].cost + cost, piece, from };
    if (!best[to] || candidate.cost < best[to].cost) best[to] = candidate;
  };
  for (let i = 0; i < n; i++) {
    if (!best[i]) continue;
    if (isAsciiAlnum(chars[i])) {
      // A Latin word is one piece, as the analyzer joins its parts.
      if (i > 0 && isAsciiAlnum(chars[i - 1])) continue;
      let end = i;
      while (end < n && isAsciiAlnum(chars[end])) end++;
      const surface = chars.slice(i, end).join("");
      const entry = words.get(surface);
      const width = entry && !(entry[1] & STOP) ? entry[2] : surface.match(/[a-z]+|[0-9]+/g).length;
      consider(i, end, { query: surface, flags: entry ? entry[1] : INFORMATIVE | NAME, width }, words.cost(entry ? entry[3] : 0));
      continue;
    }
    let surface = "";
    for (let end = i + 1; end <= n && end - i <= LONGEST_WORD; end++) {
      surface += chars[end - 1];
      if (isAsciiAlnum(chars[end - 1])) break;
      const entry = words.get(surface) ?? otherSpellings(surface).map((other) => words.get(other)).find(Boolean);
      if (entry) consider(i, end, { query: entry[0], flags: entry[1], width: entry[2] }, words.cost(entry[3]));
    }
    const c = chars[i];
    const unknown = isWordChar(c) ? { query: c, flags: 0, width: 1, unknown: scriptOf(c) } : { query: "", flags: STOP, width: 1 };
    consider(i, i + 1, unknown, 3 * words.cost(0));
  }
  const pieces = [];
  for (let at = n; at > 0 && best[at]; at = best[at].from) pieces.unshift({ ...best[at].piece, from: best[at].from, to: at });
  // Words IPADIC does not know: characters no word covers (a run of one
  // script is one word) and the site's unknown words. An unknown katakana
  // word runs to the end of its katakana, as IPADIC reads one
  // (`スケーラブルサーバ`, and `リモート` past a `ー` the site has alone).
  const katakana = (piece) => chars.slice(piece.from, piece.to).every((c) => scriptOf(c) === "katakana");
  const merged = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    const unknown = last?.unknown || (last && last.flags & NAME && katakana(last) ? "katakana" : null);
    if (unknown && (unknown === piece.unknown || (unknown === "katakana" && katakana(piece)))) {
      Object.assign(last, { query: chars.slice(last.from, piece.to).join(""), to: piece.to, flags: 0, width: 1, unknown });
    } else merged.push({ ...piece });
  }
  // An unknown word is a name, informative unless it is one kana.
  for (const piece of merged) if (piece.unknown) piece.flags |= /^[\u3041-\u30FA]$/.test(piece.query) ? NAME : NAME | INFORMATIVE;
  const out = [];
  let position = 0;
  let before = null;
  for (const piece of merged) {
    const surface = chars.slice(piece.from, piece.to).join("");
    if (piece.flags & STOP) before = null;
    else {
      // A suffix where the posts have one (crates/static/src/lexicon.rs): a
      // noun, searched as written (`作り` of `仕組み作り`, not the verb `作る`).
      const place = !before ? SUFFIX_FIRST : isNumber(before.surface) ? SUFFIX_AFTER_NUMBER : before.flags & (NOUN | NAME) ? SUFFIX_AFTER_NOUN : SUFFIX_AFTER_OTHER;
      const suffix = Boolean(piece.flags & place);
      const query = suffix || piece.unknown ? stemKatakana(respell(surface)) : piece.query;
      const flags = suffix ? NOUN | INFORMATIVE : piece.flags;
      out.push({ query, flags, suffix, position, width: piece.width, from: norm.start(offsets[piece.from]), to: norm.end(offsets[piece.to]) });
      before = { surface, flags };
    }
    position += piece.width;
  }
  return { words: out, bigrams: bigrams(norm.text) };
}

const isNumber = (surface) => /^[0-9〇一二三四五六七八九十百千万億兆]+$/.test(surface);
const scriptOf = (c) => (/^[\u3041-\u3096]$/.test(c) ? "hiragana" : /^[\u30A1-\u30FAー]$/.test(c) ? "katakana" : /^[\u4E00-\u9FFF々]$/.test(c) ? "kanji" : "other");

/** The potential form of a godan verb with a kanji stem: crates/search/src/words.rs. */
function potentialForm(verb) {
  const chars = Array.from(verb);
  if (chars.length < 2 || !/^[\u4E00-\u9FFF]$/.test(chars[chars.length - 2])) return null;
  const row = { う: "え", く: "け", ぐ: "げ", す: "せ", つ: "て", ぬ: "ね", ぶ: "べ", む: "め", る: "れ" }[chars[chars.length - 1]];
  return row ? `${chars.slice(0, -1).join("")}${row}る` : null;
}

// --- planning: crates/search/src/plan/ ------------------------------------------

function unit(text, words) {
  const analysis = analyze(text, words);
  const terms = analysis.words.map((word) => [word.position, word.query]);
  const first = analysis.words[0];
  const potential = terms.length === 1 && first.flags & VERB ? potentialForm(first.query) : null;
  return { text, terms, bigrams: analysis.bigrams, potential };
}

const isKanji = (c) => /^[\u4E00-\u9FFF々]$/.test(c);

/**
 * The content words of `text`: crates/analyzer/src/content.rs. Informative
 * words, each its own, except that a suffix ends the word before it
 * (`勉強会`), and so does a noun of one kanji after kanji (`法人税`), and that
 * words joined by symbols alone stay one (`Y!砲`). Each is `{ text, from, to,
 * terms, noun }`, `noun` when its first word is a noun or a name.
 */
function contentWords(text, words) {
  const groups = [];
  // Whether the last group may still grow: the word before was in it.
  let open = false;
  for (const word of analyze(text, words).words) {
    const group = open ? groups[groups.length - 1] : null;
    const last = group?.[group.length - 1];
    const follows = last && last.position + last.width === word.position;
    const between = last ? text.slice(last.to, word.from) : "";
    const joinedBySymbols = last && (last.to > word.from || (between !== "" && !/[\p{Alphabetic}\p{N}\p{White_Space}]/u.test(between)));
    // A noun of one kanji after a word ending in kanji is part of it (`法人税`).
    const bound = word.suffix || (last && word.flags & NOUN && isKanji(text.slice(word.from, word.to)) && isKanji(text.slice(last.from, last.to).slice(-1)));
    const informative = word.flags & INFORMATIVE;
    if (group && informative && (joinedBySymbols || (follows && bound))) group.push(word);
    else if (informative && !word.suffix) {
      groups.push([word]);
      open = true;
    } else open = false;
  }
  return groups.map((group) => {
    const from = Math.min(...group.map((w) => w.from));
    const to = Math.max(...group.map((w) => w.to));
    return { text: text.slice(from, to), from, to, terms: group.map((w) => [w.position, w.query]), noun: Boolean(group[0].flags & (NOUN | NAME)) };
  });
}

/** The content words of a word as units, for `match=any`. */
const chunks = (text, words) => contentWords(text, words).map((word) => ({ text: word.text, terms: word.terms, bigrams: bigrams(normalize(word.text).text), potential: null }));

/** Query nodes, evaluated to `Map(post → score)`. */
const term = (field, text, boost = 1) => ({ kind: "phrase", field, terms: [[0, text]], boost });
const sequence = (field, terms, boost = 1) => (terms.length ? { kind: "phrase", field, terms: terms.map(([p, t]) => [p - terms[0][0], t]), boost } : null);
const any = (nodes) => {
  const present = nodes.filter(Boolean);
  return present.length ? { kind: "or", nodes: present } : null;
};

function bigramQuery(field, grams, boost) {
  if (!grams.length) return null;
  const open = (text) => Array.from(text).length === 1 && !/^[\x00-\x7f]$/.test(text);
  const openStart = open(grams[0][1]);
  const openEnd = open(grams[grams.length - 1][1]);
  if (!openStart && !openEnd) return sequence(field, grams, boost);
  if (grams.length === 1) return { kind: "or", constant: boost, nodes: [term(field, ENDS + grams[0][1]), term(field, STARTS + grams[0][1])] };
  const last = grams.length - 1;
  const keyed = grams.map(([p, text], i) => [p, i === 0 && openStart ? ENDS + text : i === last && openEnd ? STARTS + text : text]);
  return sequence(field, keyed, boost);
}

function readingQuery(text, words, romaji) {
  const reading = queryReading(text, romaji);
  if (!reading) return null;
  const analysis = analyze(reading, words);
  const spelled = analysis.words.map((word) => [word.position, word.query]);
  const grams = Array.from(reading).length >= SUBSTRING_MIN_CHARS ? analysis.bigrams : [];
  return any([
    term("tr", reading, READING_WEIGHT.tr),
    term("br", reading, READING_WEIGHT.br),
    sequence("tt", spelled, READING_WEIGHT.tt),
    sequence("bt", spelled, READING_WEIGHT.bt),
    sequence("tb", grams, READING_WEIGHT.tb),
    sequence("bb", grams, READING_WEIGHT.bb),
  ]);
}

function wordQuery(u) {
  return any(
    ["tt", "bt", "lt"].map((field) => {
      const seq = sequence(field, u.terms);
      if (!seq) return null;
      return { kind: "or", boost: WEIGHT[field], nodes: [seq, u.potential ? term(field, u.potential) : null].filter(Boolean) };
    }),
  );
}

function clauseQuery(clause, words, romaji) {
  const scored = [];
  const matched = [];
  for (const u of clause.units) {
    const asWords = wordQuery(u);
    if (asWords) {
      matched.push(asWords);
      scored.push(asWords);
    }
    const substring = any(["tb", "bb"].map((field) => bigramQuery(field, u.bigrams, WEIGHT[field])));
    scored.push(substring);
    // Readings stand in for a word no post has as typed (crates/search/src/plan/readings.rs).
    const reading = readingQuery(u.text, words, romaji);
    if (reading) scored.push({ kind: "fallback", nodes: [any([asWords, substring]), reading] });
  }
  scored.push(...clause.names);
  const node = any(scored);
  // A word of one character covers its clause only as a word (crates/search/src/plan/text.rs).
  const oneChar = clause.units.some((u) => Array.from(u.text).length === 1);
  return node && { scored: node, words: any(matched), oneChar };
}

const nameFilter = (atom) => (atom.kind === "tag" || atom.kind === "category" ? { kind: "name", field: atom.kind, key: normalizeKey(atom.text) } : null);

/** The plan of `parsed` with `mode` ("all" or "any"). */
function plan(parsed, mode, words, romaji) {
  const filters = [];
  const clauses = [];
  let hasText = false;
  let chunked = false;
  const chunksOf = parsed.must.map((alternatives) => (mode === "any" && alternatives.length === 1 && alternatives[0].kind === "word" ? chunks(alternatives[0].text, words) : null));
  const skipUninformative = chunksOf.some((c) => c && c.length);
  parsed.must.forEach((alternatives, i) => {
    const isText = alternatives.some((a) => a.kind === "word" || a.kind === "phrase");
    hasText ||= isText;
    if (!isText) {
      filters.push(any(alternatives.map(nameFilter)));
      return;
    }
    const found = chunksOf[i];
    if (found && (found.length || skipUninformative)) {
      const whole = unit(alternatives[0].text, words);
      chunked ||= found.length !== 1 || JSON.stringify(found[0].terms) !== JSON.stringify(whole.terms);
      for (const u of found) clauses.push({ units: [u], names: [] });
      return;
    }
    const clause = { units: [], names: [] };
    for (const atom of alternatives) {
      if (atom.kind === "word" || atom.kind === "phrase") clause.units.push(unit(atom.text, words));
      else clause.names.push(nameFilter(atom));
    }
    clauses.push(clause);
  });
  const text = clauses.map((clause) => clauseQuery(clause, words, romaji)).filter(Boolean);
  const excluded = parsed.mustNot
    .map((atom) => (atom.kind === "word" || atom.kind === "phrase" ? clauseQuery({ units: [unit(atom.text, words)], names: [] }, words, romaji)?.scored : nameFilter(atom)))
    .filter(Boolean);
  return { parsed, filters, excluded, text, hasText, empty: hasText && !text.length, chunked, clauses, relaxes: text.length > 1 || chunked };
}

/** The query's positive words and phrases. */
const positiveTexts = (parsed) => parsed.must.flat().filter((a) => a.kind === "word" || a.kind === "phrase").map((a) => a.text);

/** The proximity boost: the terms of the single-unit clauses, in order, within a slop. */
function near(clauses) {
  const terms = [];
  let units = 0;
  let next = 0;
  for (const clause of clauses) {
    if (clause.units.length !== 1 || clause.names.length || !clause.units[0].terms.length) continue;
    const unitTerms = clause.units[0].terms;
    const first = unitTerms[0][0];
    for (const [position, text] of unitTerms) terms.push([next + position - first, text]);
    next = terms[terms.length - 1][0] + 2;
    units++;
  }
  if (units < 2) return null;
  return { kind: "or", boost: NEAR_BOOST, nodes: ["tt", "bt"].map((field) => ({ kind: "phrase", field, terms, slop: NEAR_SLOP })) };
}

/** Every term the nodes look up, so that their buckets are fetched at once. */
function collect(node, terms) {
  if (!node) return;
  if (node.kind === "fallback") {
    for (const child of node.nodes) collect(child, terms);
    return;
  }
  if (node.kind === "phrase") for (const [, text] of node.terms) terms.want(node.field, text);
  for (const child of node.nodes || []) collect(child, terms);
}

// --- the word tier: crates/search/src/split.rs ---------------------------------

/** The content words of a word typed without spaces, or null when they are the word itself or none: its nouns and names, and verbs joined to another content word (`立てmode`); a sentence's verbs are left to the `any` fallback. */
function runWords(text, words) {
  const all = contentWords(text, words);
  const content = all.filter((word, i) => word.noun || all[i - 1]?.to === word.from || all[i + 1]?.from === word.to);
  if (!content.length) return null;
  // `Zabbixとは何` is `Zabbix`, which is not the run's terms.
  if (content.length === 1 && JSON.stringify(content[0].terms) === JSON.stringify(unit(text, words).terms)) return null;
  return content;
}

/** The words to search `text` by: its content words, neighbours joined where a post has them together (`occurs`), longest first. */
function regroup(text, content, occurs) {
  const span = (first, last) => text.slice(content[first].from, content[last].to);
  const out = [];
  for (let start = 0; start < content.length; ) {
    // The words that follow with nothing between them.
    let touching = start;
    while (touching + 1 < content.length && content[touching + 1].from === content[touching].to) touching++;
    let end = start;
    for (let last = touching; last > start; last--) {
      if (occurs(span(start, last))) {
        end = last;
        break;
      }
    }
    out.push(span(start, end));
    start = end + 1;
  }
  return out;
}

/**
 * `parsed` with every word whose run is in no post (`occurs(text)`) replaced
 * by its content words, and the words replaced (`[{ text, words }]`,
 * escaped); null when no word is. Quoted phrases and `OR` groups are never
 * split.
 */
function split(parsed, words, occurs) {
  const query = { must: [], mustNot: parsed.mustNot };
  const replaced = [];
  for (const clause of parsed.must) {
    const content = clause.length === 1 && clause[0].kind === "word" && runWords(clause[0].text, words);
    if (!content || occurs(clause[0].text)) {
      query.must.push(clause);
      continue;
    }
    const text = clause[0].text;
    const regrouped = regroup(text, content, occurs);
    replaced.push({ text: escape(text), words: regrouped.map(escape) });
    query.must.push(...regrouped.map((word) => [{ kind: "word", text: word }]));
  }
  return replaced.length ? { query, words: replaced } : null;
}

// --- evaluation -----------------------------------------------------------------

const FIELD_INDEX = (index, field) => index.fields.indexOf(field);

function idf(index, docFreq) {
  return Math.log(1 + (index.posts - docFreq + 0.5) / (docFreq + 0.5));
}

function bm25(index, field, post, frequency, weight) {
  const at = FIELD_INDEX(index, field);
  const norm = index.norms[post][at];
  const average = index.average[at] || 1;
  return (weight * (K1 + 1) * frequency) / (frequency + K1 * (1 - B + (B * norm) / average));
}

/** How often `terms` (`[offset, positions]`) occur in order, each within `slop` of its place. */
function phraseCount(lists, slop) {
  let count = 0;
  const [first, ...rest] = lists;
  for (const start of first[1]) {
    let at = start;
    let spent = 0;
    let ok = true;
    let previousOffset = first[0];
    for (const [offset, positions] of rest) {
      const expected = at + (offset - previousOffset);
      const found = slop ? positions.find((p) => p >= expected && p - expected + spent <= slop) : positions.includes(expected) ? expected : undefined;
      if (found === undefined) {
        ok = false;
        break;
      }
      spent += found - expected;
      at = found;
      previousOffset = offset;
    }
    if (ok) count++;
  }
  return count;
}

/** `Map(post → score)` of the posts `node` matches. */
function evaluate(node, index, terms) {
  const out = new Map();
  if (node.kind === "name") {
    const keys = index[node.field === "tag" ? "tags" : "categories"];
    const ofPost = index[node.field === "tag" ? "post_tags" : "post_categories"];
    ofPost.forEach((names, post) => {
      if (names.some((i) => keys[i][0] === node.key)) out.set(post, node.score || 0);
    });
    return out;
  }
  if (node.kind === "fallback") {
    const [typed, instead] = node.nodes;
    return typed && evaluate(typed, index, terms).size ? out : evaluate(instead, index, terms);
  }
  if (node.kind === "or") {
    for (const child of node.nodes) {
      for (const [post, score] of evaluate(child, index, terms)) out.set(post, (out.get(post) || 0) + score);
    }
    const boost = node.boost ?? 1;
    for (const [post, score] of out) out.set(post, node.constant !== undefined ? node.constant : score * boost);
    return out;
  }
  // A phrase (or one term): BM25 of its count, with the summed idf of its terms.
  const lists = node.terms.map(([offset, text]) => [offset, terms.get(node.field, text)]);
  if (lists.some(([, postings]) => !postings.size)) return out;
  const weight = (node.boost ?? 1) * lists.reduce((sum, [, postings]) => sum + idf(index, postings.size), 0);
  const [, firstPostings] = lists[0];
  for (const [post, value] of firstPostings) {
    let frequency;
    if (lists.length === 1) frequency = typeof value === "number" ? value : value.length;
    else {
      const here = lists.map(([offset, postings]) => [offset, postings.get(post)]);
      if (here.some(([, positions]) => !positions)) continue;
      frequency = phraseCount(here, node.slop || 0);
    }
    if (frequency > 0) out.set(post, bm25(index, node.field, post, frequency, weight));
  }
  return out;
}

/**
 * Runs a plan: the matching posts with their scores. With `any`, the posts
 * that match more clauses rank first, and a post must match at least `floor`
 * of them (a share, rounded up): crates/search/src/ranking.rs.
 */
function run(index, terms, p, mode, floor = 0) {
  let candidates = null;
  const keep = (matches) => {
    candidates = candidates ? new Set([...candidates].filter((post) => matches.has(post))) : new Set(matches.keys());
  };
  for (const filter of p.filters) keep(evaluate(filter, index, terms));
  const scores = new Map();
  if (p.empty) return scores;
  const clauses = p.text.map((clause) => {
    const scored = evaluate(clause.scored, index, terms);
    const words = clause.words ? evaluate(clause.words, index, terms) : new Map();
    return { scored, words, covered: clause.oneChar ? words : scored };
  });
  if (clauses.length) {
    const union = new Set();
    for (const clause of clauses) for (const post of clause.scored.keys()) union.add(post);
    const least = Math.ceil(clauses.length * floor);
    const covers = (post) => clauses.filter((c) => c.covered.has(post)).length;
    const matches = new Map([...union].filter((post) => (mode === "any" ? covers(post) >= least : clauses.every((c) => c.scored.has(post)))).map((post) => [post, 0]));
    keep(matches);
  }
  if (!candidates) candidates = new Set(index.dates.keys());
  for (const node of p.excluded) for (const post of evaluate(node, index, terms).keys()) candidates.delete(post);
  const nearNode = near(p.clauses);
  const nearScores = nearNode ? evaluate(nearNode, index, terms) : new Map();
  const names = nameBoosts(p.parsed, p.clauses, index);
  for (const post of candidates) {
    let tiers = 0;
    let relevance = 0;
    for (const clause of clauses) {
      if (clause.words.has(post)) tiers += WORD_TIER;
      if (mode === "any" && clause.covered.has(post)) tiers += WORD_TIER * (clauses.length + 1);
      relevance += clause.scored.get(post) || 0;
    }
    relevance += (nearScores.get(post) || 0) + (names.get(post) || 0);
    scores.set(post, clauses.length ? tiers + Math.min(relevance, RELEVANCE_CAP) : 0);
  }
  return scores;
}

/** Posts with a tag or category named exactly like the query or one of its units. */
function nameBoosts(parsed, clauses, index) {
  const whole = positiveTexts(parsed).join(" ");
  const keys = new Set([whole, ...clauses.flatMap((c) => c.units.map((u) => u.text))].map(normalizeKey).filter(Boolean));
  const out = new Map();
  for (const [kind, ofPost] of [["tags", "post_tags"], ["categories", "post_categories"]]) {
    // The names with one of the keys: most queries have none, and no post is looked at.
    const named = new Set(index[kind].flatMap(([key], i) => (keys.has(key) ? [i] : [])));
    if (!named.size) continue;
    index[ofPost].forEach((names, post) => {
      const found = new Set(names.filter((i) => named.has(i)).map((i) => index[kind][i][0]));
      if (found.size) out.set(post, (out.get(post) || 0) + NAME_BOOST * found.size);
    });
  }
  return out;
}

// --- the response ---------------------------------------------------------------

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const day = (seconds) => (seconds === null || seconds === undefined ? null : new Date(seconds * 1000).toISOString().slice(0, 10));

/** Facet counts by key, named by the spelling most posts use: crates/search/src/facets.rs. */
function facetCounts(posts, names, ofPost, limit) {
  const spellings = new Map();
  for (const post of posts) for (const i of ofPost[post]) spellings.set(i, (spellings.get(i) || 0) + 1);
  const keys = new Map();
  for (const [i, count] of spellings) {
    const [key, spelling] = names[i];
    const entry = keys.get(key) || { count: 0, value: spelling, best: 0 };
    entry.count += count;
    if (count > entry.best || (count === entry.best && spelling < entry.value)) {
      entry.value = spelling;
      entry.best = count;
    }
    keys.set(key, entry);
  }
  return [...keys.values()]
    .map(({ value, count }) => ({ value: escape(value), count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

function monthCounts(index, posts) {
  const months = new Map();
  for (const post of posts) {
    const date = day(index.dates[post]);
    if (!date) continue;
    const key = date.slice(0, 7);
    months.set(key, (months.get(key) || 0) + 1);
  }
  const years = [];
  for (const key of [...months.keys()].sort().reverse()) {
    const [year, month] = key.split("-").map(Number);
    const count = months.get(key);
    const last = years[years.length - 1];
    if (last && last.year === year) {
      last.count += count;
      last.months.push({ month, count });
    } else years.push({ year, count, months: [{ month, count }] });
  }
  return { years };
}

// --- snippets: crates/search/src/snippet.rs -------------------------------------

function highlighter(texts, informative, words, romaji) {
  const pieces = [];
  for (const text of texts) {
    for (const needle of normalize(text).text.split(/\s+/u).filter(Boolean)) {
      if (pieces.some((p) => p.needle === needle)) continue;
      const analysis = analyze(needle, words).words;
      const useful = analysis.filter((w) => w.flags & INFORMATIVE).map((w) => w.query);
      if (informative && !useful.length) continue;
      const others = new Set(informative ? useful : analysis.map((w) => w.query));
      for (const w of analysis) if (w.flags & VERB) others.add(potentialForm(w.query));
      const reading = queryReading(needle, romaji);
      if (reading) others.add(reading);
      others.delete(null);
      others.delete("");
      pieces.push({ needle, others: [...others] });
    }
  }
  return pieces.sort((a, b) => b.needle.length - a.needle.length);
}

/** The matches of `pieces` in `text` (original offsets), sorted and apart; `norm` is `normalize(text)`. */
function matches(pieces, text, norm = normalize(text)) {
  const found = [];
  // The code units a match already covers: a new match must not overlap
  // one, checked in the length of the match (a post of megabytes with
  // thousands of matches stays linear).
  const taken = new Uint8Array(text.length);
  const hit = new Set();
  const add = (needle, index) => {
    const ascii = /^[0-9a-z]+$/.test(needle);
    for (let at = norm.text.indexOf(needle); at >= 0; at = norm.text.indexOf(needle, at + 1)) {
      const end = at + needle.length;
      if (ascii && (/[0-9a-z]/.test(norm.text[at - 1] || "") || /[0-9a-z]/.test(norm.text[end] || ""))) continue;
      const range = [norm.start(at), norm.end(end)];
      if (taken.subarray(range[0], range[1]).includes(1)) continue;
      taken.fill(1, range[0], range[1]);
      found.push([range, index]);
      hit.add(index);
    }
  };
  pieces.forEach((piece, index) => add(piece.needle, index));
  pieces.forEach((piece, index) => {
    if (!hit.has(index)) for (const other of piece.others) add(other, index);
  });
  return found.sort((a, b) => a[0][0] - b[0][0]);
}

function sentences(text) {
  const out = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if ("。！？!?\n".includes(text[i])) {
      if (text.slice(start, i + 1).trim()) out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < text.length && text.slice(start).trim()) out.push([start, text.length]);
  return out;
}

const charCount = (text) => Array.from(text).length;
/** Whether `text`, spaces and tabs at its end aside, ends a sentence. */
function endsSentence(text) {
  let end = text.length;
  while (end > 0 && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  return end > 0 && "。！？!?\n".includes(text[end - 1]);
}

function bestWindow(text, found) {
  const list = sentences(text);
  if (!list.length) return [0, 0];
  // `chars[i]`: the characters before code unit `i`.
  const chars = new Uint32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const lowHalf = (text.charCodeAt(i) & 0xfc00) === 0xdc00 && i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800;
    chars[i + 1] = chars[i] + (lowHalf ? 0 : 1);
  }
  // One window slides over the sentences and one over the matches (sorted
  // and apart, so sorted by end too): linear in the text, as the server's.
  const seen = new Map();
  let best = null;
  let [last, from, to] = [0, 0, 0];
  for (let first = 0; first < list.length; first++) {
    last = Math.max(last, first);
    while (last + 1 < list.length && chars[list[last + 1][1]] - chars[list[first][0]] <= SNIPPET_CHARS) last++;
    const [start, end] = [list[first][0], list[last][1]];
    while (from < found.length && found[from][0][0] < start) from++;
    while (to < found.length && found[to][0][1] <= end) to++;
    let distinct = 0;
    for (let i = from; i < to; i++) {
      if (seen.get(found[i][1]) !== first) distinct++;
      seen.set(found[i][1], first);
    }
    const score = [distinct, Math.max(0, to - from)];
    if (!best || score[0] > best[0][0] || (score[0] === best[0][0] && score[1] > best[0][1])) best = [score, [start, end]];
    if (!found.length) break;
  }
  const window = best[1];
  const limit = SNIPPET_CHARS + Math.floor(SNIPPET_CHARS / 4);
  if (charCount(text.slice(window[0], window[1])) <= limit) return window;
  const anchor = found.map(([r]) => r[0]).find((s) => s >= window[0] && s < window[1]) ?? window[0];
  const lead = Array.from(text.slice(window[0], anchor));
  const skip = Math.max(0, lead.length - Math.floor(SNIPPET_CHARS / 3));
  const start = window[0] + lead.slice(0, skip).join("").length;
  let end = start + Array.from(text.slice(start, window[1])).slice(0, SNIPPET_CHARS).join("").length;
  const cut = found.find(([r]) => r[0] < end && end < r[1]);
  if (cut) end = cut[0][1];
  return [start, end];
}

function render(text, window, found) {
  let out = "";
  if (window[0] > 0 && text.slice(0, window[0]).trim() && !endsSentence(text.slice(0, window[0]))) out += "…";
  let cursor = window[0];
  const flat = (part) => escape(part).replace(/\n/g, " ");
  for (const [range] of found) {
    if (range[0] < window[0] || range[1] > window[1]) continue;
    out += `${flat(text.slice(cursor, range[0]))}<mark>${flat(text.slice(range[0], range[1]))}</mark>`;
    cursor = range[1];
  }
  out = (out + flat(text.slice(cursor, window[1]))).trim();
  return window[1] < text.length && !endsSentence(text.slice(0, window[1])) ? `${out}…` : out;
}

// --- the API ------------------------------------------------------------------

const list = (value) => (value === undefined || value === null || value === "" ? [] : Array.isArray(value) ? value : [value]);

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as `[first second, second after]` of the period. */
function period(value, name) {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(String(value).trim());
  const invalid = () => new RangeError(`invalid ${name} date: ${value}`);
  if (!match) throw invalid();
  const [year, month, date] = [Number(match[1]), match[2] && Number(match[2]), match[3] && Number(match[3])];
  const first = Date.UTC(year, (month || 1) - 1, date || 1);
  const check = new Date(first);
  if ((month && check.getUTCMonth() + 1 !== month) || (date && check.getUTCDate() !== date)) throw invalid();
  const after = date ? Date.UTC(year, month - 1, date + 1) : month ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
  return [first / 1000, after / 1000];
}

/**
 * Searches the bundle: `{ q, tag, category, from, to, sort, match, page,
 * per_page }` (tag and category: a name or a list) → the `GET /api/search`
 * document. Rejects with a `BundleError` when a chunk cannot be loaded.
 */
export async function search(request = {}) {
  const started = performance.now();
  const index = await manifest();
  const page = Number(request.page ?? 1);
  const perPage = Number(request.per_page ?? 10);
  if (!Number.isInteger(page) || page < 1) throw new RangeError("page must be at least 1");
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) throw new RangeError(`per_page must be 1 to ${MAX_PER_PAGE}`);
  const sort = request.sort || "relevance";
  if (!["relevance", "newest", "oldest"].includes(sort)) throw new RangeError(`invalid sort: ${sort}`);
  const mode = request.match || "all";
  if (!["all", "any"].includes(mode)) throw new RangeError(`invalid match: ${mode}`);
  const from = request.from ? period(request.from, "from")[0] : null;
  const to = request.to ? period(request.to, "to")[1] : null;

  const parsed = parse(String(request.q ?? ""));
  const texts = [...parsed.must.flat(), ...parsed.mustNot].filter((a) => a.kind === "word" || a.kind === "phrase").map((a) => a.text);
  const readingsOf = (texts) => texts.map((text) => queryReading(text, index.romaji)).filter(Boolean);
  const words = await new Lexicon(index).load([...texts, ...readingsOf(texts), ...spellingsOf(texts)]);
  const terms = new Terms(index);
  /** The plan of `query` with the request's filters. */
  const planned = (query, m) => {
    const p = plan(query, m, words, index.romaji);
    for (const name of list(request.tag)) p.filters.push({ kind: "name", field: "tag", key: normalizeKey(name) });
    for (const name of list(request.category)) p.filters.push({ kind: "name", field: "category", key: normalizeKey(name) });
    return p;
  };
  /** Fetches the terms of `plans`, all at once. */
  const prepare = async (plans) => {
    for (const p of plans) {
      for (const clause of p.text) collect(clause.scored, terms);
      for (const node of p.excluded) collect(node, terms);
      collect(near(p.clauses), terms);
    }
    await terms.fetch();
  };
  const dated = (post) => {
    const date = index.dates[post];
    if (from === null && to === null) return true;
    return date !== null && (from === null || date >= from) && (to === null || date < to);
  };
  const runPlan = (p, m, floor) => new Map([...run(index, terms, p, m, floor)].filter(([post]) => dated(post)));

  const plans = [planned(parsed, mode)];
  if (mode === "all") plans.push(planned(parsed, "any"));
  await prepare(plans);
  let [searched, scores] = [plans[0], runPlan(plans[0], mode)];
  let relaxed = false;
  let splitWords = [];
  if (!scores.size && mode === "all" && plans[0].hasText) {
    // The word tier: runs no post has, by their content words. A run occurs
    // when a post has it and passes the query's names, exclusions and filters.
    const names = parsed.must.filter((clause) => clause.every((a) => a.kind === "tag" || a.kind === "category"));
    const alone = new Map();
    const aloneOf = (text) => {
      if (!alone.has(text)) alone.set(text, planned({ must: [[{ kind: "word", text }], ...names], mustNot: parsed.mustNot }, "all"));
      return alone.get(text);
    };
    // Split as if no run occurred, the query asks every question a split
    // can ask and keeps every content word apart: what they need is
    // fetched at once.
    const asked = new Set();
    const apart = split(parsed, words, (text) => {
      asked.add(text);
      return false;
    });
    let tier = null;
    if (apart) {
      await words.load(readingsOf([...asked, ...positiveTexts(apart.query)]));
      await prepare([...[...asked].map(aloneOf), planned(apart.query, "all")]);
      tier = split(parsed, words, (text) => runPlan(aloneOf(text), "all").size > 0);
    }
    if (tier) {
      const p = planned(tier.query, "all");
      await prepare([p]);
      const found = runPlan(p, "all");
      if (found.size) [searched, scores, splitWords] = [p, found, tier.words];
    }
  }
  if (!scores.size && mode === "all" && plans[0].hasText && plans[1].relaxes) {
    [searched, scores] = [plans[1], runPlan(plans[1], "any", RELAXED_FLOOR)];
    relaxed = true;
  }
  const byText = sort === "relevance" && searched.hasText;
  const date = (post) => index.dates[post] ?? -Infinity;
  const order = [...scores.keys()].sort(
    byText ? (a, b) => scores.get(b) - scores.get(a) || date(b) - date(a) || a - b : sort === "oldest" ? (a, b) => date(a) - date(b) || a - b : (a, b) => date(b) - date(a) || a - b,
  );
  const shown = order.slice((page - 1) * perPage, page * perPage);
  const pieces = highlighter(positiveTexts(searched.parsed), relaxed || mode === "any", words, index.romaji);
  const hits = await Promise.all(
    shown.map(async (number) => {
      const stored = await post(index, number);
      // The normalized body is kept with the post for the next searches.
      stored.normalized ??= normalize(stored.body);
      const found = matches(pieces, stored.body, stored.normalized);
      return {
        id: stored.id,
        path: stored.path,
        title: escape(stored.title),
        url: escape(stored.url),
        date: day(index.dates[number]),
        tags: stored.tags.map(escape),
        categories: stored.categories.map(escape),
        author: stored.author === null ? null : escape(stored.author),
        title_highlight: render(stored.title, [0, stored.title.length], matches(pieces, stored.title)),
        snippet: render(stored.body, bestWindow(stored.body, found), found),
        score: byText ? scores.get(number) : 0,
      };
    }),
  );
  const all = [...scores.keys()];
  return {
    total: scores.size,
    page,
    per_page: perPage,
    took_ms: Math.round(performance.now() - started),
    relaxed,
    split: splitWords,
    hits,
    facets: {
      tags: facetCounts(all, index.tags, index.post_tags, FACET_LIMIT),
      categories: facetCounts(all, index.categories, index.post_categories, FACET_LIMIT),
      years: monthCounts(index, all).years.map((year) => ({ value: String(year.year), count: year.count })),
    },
  };
}

/** Every tag with its post count, most used first (`GET /api/tags`). */
export async function tags() {
  const index = await manifest();
  return facetCounts(index.dates.keys(), index.tags, index.post_tags, Infinity);
}

/** Every category with its post count (`GET /api/categories`). */
export async function categories() {
  const index = await manifest();
  return facetCounts(index.dates.keys(), index.categories, index.post_categories, Infinity);
}

/** Post counts per year and month (`GET /api/archive`). */
export async function archive() {
  const index = await manifest();
  return monthCounts(index, index.dates.keys());
}
