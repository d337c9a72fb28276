/*! sagasu search widget (MIT). Plain ES2020, no dependencies.
 * <script src="https://search.example.com/widget.js" defer></script>
 * <div data-sagasu></div>  or  <sagasu-search></sagasu-search>
 * Without a server, from the files `sagasu static` writes:
 * <script src="/search/widget.js" data-sagasu-static defer></script>
 */
(() => {
  "use strict";
  if (window.customElements && customElements.get("sagasu-search")) return;

  const script = document.currentScript;
  const scriptURL = new URL(script && script.src ? script.src : "widget.js", location.href);
  // `sagasu serve` rewrites this name to the content-hashed stylesheet.
  const CSS_URL = new URL("widget.css", scriptURL).href;
  // Static mode: the engine next to the script answers what the API would.
  const STATIC = Boolean(script && script.hasAttribute("data-sagasu-static"));
  let engine = null;
  const loadEngine = () =>
    (engine ||= import(new URL("sagasu.js", scriptURL).href).catch((error) => {
      engine = null;
      throw error;
    }));
  /** The API's answer to `path`, from the static engine. */
  async function staticJSON(path) {
    const sagasu = await loadEngine();
    const [route, query] = path.split("?");
    if (route === "api/tags") return sagasu.tags();
    if (route === "api/categories") return sagasu.categories();
    if (route === "api/archive") return sagasu.archive();
    const params = new URLSearchParams(query);
    const request = { tag: params.getAll("tag"), category: params.getAll("category") };
    for (const key of ["q", "from", "to", "sort", "match", "page", "per_page"]) if (params.has(key)) request[key] = params.get(key);
    return sagasu.search(request);
  }
  /** A request to another site that fails without an answer is what a
   * refused origin (CORS) or mixed content looks like from here: say so once,
   * in the console, where the blog's author looks. */
  let hinted = false;
  function corsHint(url) {
    const page = location.origin;
    if (hinted || url.origin === page) return;
    hinted = true;
    const mixed = location.protocol === "https:" && url.protocol === "http:";
    console.warn(mixed
      ? `sagasu: ${url.origin} is http:// and this page is https://, so the browser blocks it (mixed content). Serve the API over https (see "Deploy" in sagasu's README).`
      : `sagasu: ${url.origin} did not answer this page (${page}). If the server is up, it refuses this origin: start it with --cors-origin ${page} (or without --cors-origin, to allow any). The console's CORS error above says the same.`);
  }
  const DEBOUNCE_MS = 180;
  const CHIPS = 12;

  const TEXT = {
    ja: {
      label: "ブログ内検索",
      placeholder: "ブログ内を検索",
      results: "検索結果",
      filters: "絞り込み",
      tags: "タグ",
      categories: "カテゴリ",
      period: "期間",
      from: "期間の始め",
      to: "期間の終わり",
      any: "指定なし",
      range: "〜",
      clear: "検索を消去",
      reset: "絞り込みを解除",
      all: (n) => `すべて表示（${n}）`,
      fewer: "少なく表示",
      more: (n) => `さらに表示（残り ${n} 件）`,
      count: (n, q) => (q ? `「${q}」の検索結果: ${n} 件` : `${n} 件の記事`),
      partial: "部分一致",
      relaxed: "すべての語を含む記事はありません。語の一部だけを含む記事を、多く含む順に表示しています。",
      split: (text, words) => `「${text}」を含む記事はありません。${words.map((w) => `「${w}」`).join("")}を含む記事を表示しています。`,
      none: (q) => (q ? `「${q}」に一致する記事は見つかりませんでした。` : "条件に合う記事はありません。"),
      hint: "言葉を減らすか、絞り込みを外してみてください。",
      sorry: "申し訳ありません。いまは検索できません。しばらくしてから、もう一度お試しください。",
      missing: "検索データの一部を読み込めませんでした。サイトの検索データが更新中か、壊れている可能性があります。",
      retry: "もう一度試す",
      keys: "↑↓ で選択 · Enter で開く · Esc で消去",
      locale: "ja-JP",
      year: (y) => `${y}年`,
      month: (y, m) => `${y}年${m}月`,
    },
    en: {
      label: "Search this blog",
      placeholder: "Search this blog",
      results: "Search results",
      filters: "Filters",
      tags: "Tags",
      categories: "Categories",
      period: "Period",
      from: "From",
      to: "To",
      any: "Any",
      range: "to",
      clear: "Clear search",
      reset: "Clear filters",
      all: (n) => `Show all (${n})`,
      fewer: "Show fewer",
      more: (n) => `More results (${n} left)`,
      count: (n, q) => `${n} ${n === 1 ? "result" : "results"}${q ? ` for “${q}”` : ""}`,
      partial: "Partial matches",
      relaxed: "No post has all the words; these posts have only some of them, those with the most first.",
      split: (text, words) => `No post has “${text}”; showing posts with ${words.map((w) => `“${w}”`).join(" and ")}.`,
      none: (q) => (q ? `Nothing found for “${q}”.` : "No posts match these filters."),
      hint: "Try fewer words, or clear the filters.",
      sorry: "Sorry, search is not available right now. Please try again in a moment.",
      missing: "Part of the search data could not be loaded. The site's search files may be updating or broken.",
      retry: "Try again",
      keys: "↑↓ to select · Enter to open · Esc to clear",
      locale: "en-US",
      year: (y) => `${y}`,
      month: (y, m) => new Date(Date.UTC(y, m - 1)).toLocaleDateString("en-US", { year: "numeric", month: "short", timeZone: "UTC" }),
    },
  };

  /** Replaces the children of `el` with `children` (strings become text; null and false are left out). */
  const fill = (el, ...children) => {
    el.replaceChildren(...children.flat().filter((child) => child != null && child !== false));
    return el;
  };
  /** An element with attributes (`on*` are listeners) and children. */
  const h = (tag, props, ...children) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    }
    return fill(el, ...children);
  };

  // The API escapes every display string; these turn it back into text.
  const ENTITIES = new Map([["amp", "&"], ["lt", "<"], ["gt", ">"], ["quot", '"'], ["apos", "'"], ["nbsp", "\u00a0"]]);
  const decode = (text) =>
    String(text ?? "").replace(/&(?:#(\d{1,7})|#x([\da-f]{1,6})|([a-z]{2,6}));/gi, (all, dec, hex, name) => {
      if (name) return ENTITIES.get(name.toLowerCase()) ?? all;
      const code = dec ? Number(dec) : parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    });
  /** A snippet or title highlight as text nodes and `<mark>` elements: the only markup the API sends is `<mark>`. */
  const highlight = (snippet) => {
    let marked = false;
    const nodes = [];
    for (const part of String(snippet).split(/(<\/?mark>)/)) {
      if (part === "<mark>" || part === "</mark>") marked = part === "<mark>";
      else if (part) nodes.push(marked ? h("mark", null, decode(part)) : decode(part));
    }
    return nodes;
  };
  /** Only http(s) and relative links: a `javascript:` permalink never becomes an href. */
  const safeURL = (url) => {
    try {
      const resolved = new URL(url, location.href);
      return /^https?:$/.test(resolved.protocol) ? resolved.href : null;
    } catch {
      return null;
    }
  };
  const fold = (name) => name.normalize("NFKC").toLowerCase();
  const attribute = (el, name) => el.getAttribute(`data-${name}`) ?? el.getAttribute(name);
  const typingIn = (el) => el instanceof Element && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  const instances = [];
  let ids = 0;

  function mount(host) {
    if (host.shadowRoot || instances.some((w) => w.host === host)) return;
    const t = TEXT[(host.getAttribute("lang") || "").toLowerCase().startsWith("en") ? "en" : "ja"];
    const api = attribute(host, "api") || new URL(".", scriptURL).href;
    const base = new URL(api.endsWith("/") ? api : `${api}/`, location.href);
    const perPage = Math.min(100, Math.max(1, Number(attribute(host, "per-page")) || 10));
    const syncURL = attribute(host, "history") !== "off" && !instances.some((w) => w.syncURL);
    const uid = `sagasu${ids++}-`;

    const state = { q: "", tags: [], categories: [], from: "", to: "" };
    let hits = [];
    let total = 0;
    let page = 1;
    let facets = null;
    let lists = null;
    let listsLoading = null;
    let active = -1;
    let composing = false;
    let timer = 0;
    let seq = 0;
    let request = null;
    let typingEntry = false;
    let showAll = { tags: false, categories: false };

    const root = host.attachShadow({ mode: "open" });
    const input = h("input", {
      type: "text",
      role: "combobox",
      "aria-label": t.label,
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": `${uid}list`,
      placeholder: attribute(host, "placeholder") || t.placeholder,
      autocomplete: "off",
      spellcheck: "false",
      enterkeyhint: "search",
      part: "input",
    });
    const clear = h("button", { type: "button", class: "clear", "aria-label": t.clear, title: t.clear, hidden: true, onclick: () => reset(true) }, "×");
    const toggle = h("button", {
      type: "button",
      class: "toggle",
      "aria-expanded": "false",
      "aria-controls": `${uid}filters`,
      onclick: () => openFilters(toggle.getAttribute("aria-expanded") !== "true"),
    });
    const filters = h("div", { id: `${uid}filters`, class: "filters", hidden: true });
    const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    const list = h("ul", { id: `${uid}list`, role: "listbox", "aria-label": t.results });
    const more = h("button", { type: "button", class: "more", hidden: true, onclick: () => search(page + 1) });
    const sorryText = h("p", null, t.sorry);
    const sorry = h("div", { class: "sorry", role: "alert", hidden: true }, sorryText, h("button", { type: "button", onclick: () => retry() }, t.retry));
    const panel = h("div", { class: "panel", hidden: true }, status, sorry, list, more, h("p", { class: "keys", "aria-hidden": "true" }, t.keys));
    const frame = h(
      "div",
      { class: "sagasu", part: "root", hidden: true },
      h("div", { class: "bar" }, h("span", { class: "icon", "aria-hidden": "true" }), input, h("kbd", { "aria-hidden": "true" }, "/"), clear, toggle),
      filters,
      panel,
    );
    // Dark when the blog pins it, or when the reader's system is and the blog did not pin light.
    const theme = attribute(host, "theme");
    const darkScheme = matchMedia("(prefers-color-scheme: dark)");
    const paint = () => frame.classList.toggle("dark", theme === "dark" || (theme !== "light" && darkScheme.matches));
    paint();
    darkScheme.addEventListener("change", paint);
    const css = h("link", { rel: "stylesheet", href: CSS_URL });
    // Shown once styled, so the page never flashes an unstyled widget.
    css.addEventListener("load", () => (frame.hidden = false));
    css.addEventListener("error", () => (frame.hidden = false));
    root.append(css, frame);

    const filtered = () => state.tags.length + state.categories.length + (state.from || state.to ? 1 : 0);
    const searching = () => Boolean(state.q.trim()) || filtered() > 0;

    async function getJSON(path, signal) {
      if (STATIC) return staticJSON(path);
      const url = new URL(path, base);
      const response = await fetch(url, { signal, headers: { Accept: "application/json" } }).catch((error) => {
        if (error.name !== "AbortError") corsHint(url);
        throw error;
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    }

    function loadLists() {
      if (lists) return Promise.resolve(lists);
      listsLoading ||= Promise.all(["api/tags", "api/categories", "api/archive"].map((path) => getJSON(path)))
        .then(([tags, categories, archive]) => {
          lists = { tags, categories, archive };
          renderFilters();
          return lists;
        })
        .catch((error) => {
          listsLoading = null;
          if (!filters.hidden) showSorry(error);
          return null;
        });
      return listsLoading;
    }

    function params(forPage) {
      const query = new URLSearchParams();
      if (state.q.trim()) query.set("q", state.q.trim());
      for (const tag of state.tags) query.append("tag", tag);
      for (const category of state.categories) query.append("category", category);
      if (state.from) query.set("from", state.from);
      if (state.to) query.set("to", state.to);
      query.set("page", forPage);
      query.set("per_page", perPage);
      return query;
    }

    async function search(forPage = 1) {
      clearTimeout(timer);
      timer = 0;
      const id = ++seq;
      request?.abort();
      request = null;
      if (!searching()) return close();
      const controller = (request = new AbortController());
      frame.classList.add("busy");
      try {
        const response = await getJSON(`api/search?${params(forPage)}`, controller.signal);
        if (id !== seq) return;
        page = forPage;
        total = response.total;
        facets = response.facets;
        showResults(response.hits, forPage > 1, response.relaxed, response.split);
      } catch (error) {
        if (id === seq && error.name !== "AbortError") showSorry(error);
      } finally {
        if (id === seq) frame.classList.remove("busy");
      }
    }

    function retry() {
      lists = null;
      listsLoading = null;
      if (toggle.getAttribute("aria-expanded") === "true") loadLists();
      if (searching()) search(1);
      else close();
    }

    function close() {
      hits = [];
      facets = null;
      setActive(-1);
      list.replaceChildren();
      panel.hidden = true;
      sorry.hidden = true;
      input.setAttribute("aria-expanded", "false");
      renderFilters();
    }

    function showSorry(error) {
      sorryText.textContent = error && error.name === "BundleError" ? t.missing : t.sorry;
      hits = [];
      list.replaceChildren();
      setActive(-1);
      status.textContent = "";
      more.hidden = true;
      sorry.hidden = false;
      panel.hidden = false;
      input.setAttribute("aria-expanded", "false");
    }

    function showResults(newHits, append, relaxed, split) {
      sorry.hidden = true;
      panel.hidden = false;
      if (!append) {
        hits = [];
        list.replaceChildren();
        setActive(-1);
        list.scrollTop = 0;
      }
      const first = hits.length;
      hits = hits.concat(newHits);
      list.append(...newHits.map((hit, i) => option(hit, first + i)));
      if (append && root.activeElement === more) {
        // From "more", the keyboard goes on with the first new result.
        input.focus();
        setActive(first);
      }
      const q = state.q.trim();
      fill(
        status,
        total ? t.count(total, q) : h("strong", null, t.none(q)),
        total ? null : h("span", { class: "hint" }, t.hint),
        total ? split.map((word) => h("span", { class: "hint" }, t.split(decode(word.text), word.words.map(decode)))) : null,
        relaxed && total ? h("span", { class: "partial", role: "note" }, h("strong", null, t.partial), " ", t.relaxed) : null,
      );
      more.hidden = hits.length >= total;
      more.textContent = t.more(total - hits.length);
      input.setAttribute("aria-expanded", String(hits.length > 0));
      renderFilters();
    }

    function option(hit, index) {
      const href = safeURL(decode(hit.url));
      const date = hit.date
        ? h("time", { datetime: hit.date }, new Date(`${hit.date}T00:00:00Z`).toLocaleDateString(t.locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }))
        : null;
      return h(
        "li",
        {
          id: `${uid}o${index}`,
          role: "option",
          "aria-selected": "false",
          class: "hit",
          onmousemove: () => active !== index && setActive(index, false),
          onclick: (event) => {
            // A plain click opens the post; a click with a modifier is the browser's.
            if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
            event.preventDefault();
            open(index, false);
          },
        },
        h("a", { href, tabindex: "-1", class: "title" }, hit.title_highlight ? highlight(hit.title_highlight) : decode(hit.title)),
        h(
          "div",
          { class: "meta" },
          date,
          hit.categories.map((name) => h("span", { class: "category" }, decode(name))),
          hit.tags.map((name) => h("span", { class: "tag" }, `#${decode(name)}`)),
        ),
        hit.snippet ? h("p", { class: "snippet" }, highlight(hit.snippet)) : null,
      );
    }

    function setActive(index, scroll = true) {
      active = index;
      list.querySelectorAll("[role=option]").forEach((el, i) => el.setAttribute("aria-selected", String(i === index)));
      const current = index >= 0 ? list.children[index] : null;
      if (current) {
        input.setAttribute("aria-activedescendant", current.id);
        if (scroll) current.scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }

    function move(step) {
      if (!hits.length) return;
      const next = active + step;
      setActive(next >= hits.length ? 0 : next < 0 ? hits.length - 1 : next);
    }

    /** Opens a result, unless a listener of `sagasu-select` cancels the event. */
    function open(index, newTab) {
      const hit = hits[index];
      if (!hit) return;
      const url = safeURL(decode(hit.url));
      const detail = { id: hit.id, url, title: decode(hit.title), hit };
      const proceed = host.dispatchEvent(new CustomEvent("sagasu-select", { detail, bubbles: true, composed: true, cancelable: true }));
      if (!proceed || !url) return;
      if (newTab) window.open(url, "_blank", "noopener");
      else location.assign(url);
    }

    function chips(kind, label, archiveWide) {
      const chosen = state[kind];
      const counts = (facets && facets[kind]) || archiveWide || [];
      const entries = counts.map(({ value, count }) => ({ name: decode(value), count }));
      for (const name of chosen) if (!entries.some((e) => fold(e.name) === fold(name))) entries.unshift({ name, count: 0 });
      const shown = showAll[kind] ? entries : entries.filter((e, i) => i < CHIPS || chosen.some((c) => fold(c) === fold(e.name)));
      if (!entries.length) return null;
      return h(
        "div",
        { class: "group", role: "group", "aria-label": label },
        h("span", { class: "label" }, label),
        shown.map(({ name, count }) => {
          const on = chosen.some((c) => fold(c) === fold(name));
          return h("button", { type: "button", class: "chip", "aria-pressed": String(on), "data-key": `${kind}:${fold(name)}`, onclick: () => toggleName(kind, name) }, name, h("span", { class: "n" }, String(count)));
        }),
        entries.length > CHIPS
          ? h("button", { type: "button", class: "all", "data-key": `${kind}:all`, onclick: () => ((showAll[kind] = !showAll[kind]), renderFilters()) }, showAll[kind] ? t.fewer : t.all(entries.length))
          : null,
      );
    }

    function period() {
      if (!lists) return null;
      const choices = lists.archive.years.flatMap(({ year, count, months }) => [
        { value: String(year), label: `${t.year(year)} (${count})`, year: true },
        ...months.map(({ month, count: n }) => ({ value: `${year}-${String(month).padStart(2, "0")}`, label: `${t.month(year, month)} (${n})` })),
      ]);
      const select = (key, label) => {
        const value = state[key];
        const known = !value || choices.some((c) => c.value === value);
        return h(
          "select",
          { "aria-label": label, "data-key": key, onchange: (event) => ((state[key] = event.target.value), commit(true)) },
          h("option", { value: "" }, t.any),
          known ? null : h("option", { value }, value),
          choices.map((c) => h("option", { value: c.value, class: c.year ? "year" : null }, c.label)),
        );
      };
      const from = select("from", t.from);
      const to = select("to", t.to);
      from.value = state.from;
      to.value = state.to;
      return h("div", { class: "group period", role: "group", "aria-label": t.period }, h("span", { class: "label" }, t.period), from, h("span", { class: "range" }, t.range), to);
    }

    function renderFilters() {
      const count = filtered();
      fill(toggle, t.filters, count ? h("span", { class: "badge" }, String(count)) : null);
      clear.hidden = !searching();
      if (filters.hidden) return;
      // Redrawn controls keep the keyboard focus (or hand it to the box).
      const focused = root.activeElement && filters.contains(root.activeElement) ? root.activeElement.dataset.key || "" : null;
      fill(
        filters,
        chips("tags", t.tags, lists && lists.tags),
        chips("categories", t.categories, lists && lists.categories),
        period(),
        count ? h("button", { type: "button", class: "reset", onclick: () => reset(false) }, t.reset) : null,
      );
      if (focused !== null) (filters.querySelector(`[data-key="${CSS.escape(focused)}"]`) || input).focus();
    }

    function openFilters(show) {
      toggle.setAttribute("aria-expanded", String(show));
      filters.hidden = !show;
      if (show) loadLists();
      renderFilters();
    }

    function toggleName(kind, name) {
      const chosen = state[kind];
      const at = chosen.findIndex((c) => fold(c) === fold(name));
      if (at >= 0) chosen.splice(at, 1);
      else chosen.push(name);
      commit(true);
    }

    function reset(everything) {
      if (everything) state.q = input.value = "";
      Object.assign(state, { tags: [], categories: [], from: "", to: "" });
      commit(true);
      if (everything) input.focus();
    }

    /** Mirrors the search in the page URL (a new history entry when `push`), then runs it. */
    function commit(push) {
      if (syncURL) {
        const url = new URL(location.href);
        for (const key of ["q", "tag", "category", "from", "to"]) url.searchParams.delete(key);
        if (state.q.trim()) url.searchParams.set("q", state.q.trim());
        for (const tag of state.tags) url.searchParams.append("tag", tag);
        for (const category of state.categories) url.searchParams.append("category", category);
        if (state.from) url.searchParams.set("from", state.from);
        if (state.to) url.searchParams.set("to", state.to);
        if (url.href !== location.href) history[push ? "pushState" : "replaceState"](history.state, "", url);
      }
      typingEntry = false;
      renderFilters();
      search(1);
    }

    function typed() {
      state.q = input.value;
      clear.hidden = !searching();
      clearTimeout(timer);
      timer = setTimeout(flush, DEBOUNCE_MS);
    }

    /** Searches what was typed. Typing makes one history entry, however many searches it runs. */
    function flush() {
      timer = 0;
      const push = !typingEntry;
      commit(push);
      typingEntry = true;
    }

    function fromURL() {
      const query = new URLSearchParams(location.search);
      Object.assign(state, {
        q: query.get("q") || "",
        tags: query.getAll("tag").filter(Boolean),
        categories: query.getAll("category").filter(Boolean),
        from: query.get("from") || "",
        to: query.get("to") || "",
      });
      input.value = state.q;
      typingEntry = false;
      if (filtered()) openFilters(true);
      else renderFilters();
      search(1);
    }

    // While an input method composes (kana to kanji), nothing is searched
    // and Enter belongs to the IME: the search runs after `compositionend`.
    input.addEventListener("compositionstart", () => {
      composing = true;
      clearTimeout(timer);
      timer = 0;
    });
    input.addEventListener("compositionend", () => {
      composing = false;
      typed();
    });
    input.addEventListener("input", (event) => {
      if (!composing && !event.isComposing) typed();
    });
    input.addEventListener("focus", () => loadLists(), { once: true });
    input.addEventListener("keydown", (event) => {
      // keyCode 229: a key the IME consumed (Safari sends Enter after compositionend).
      if (event.isComposing || composing || event.keyCode === 229) return;
      if (event.key === "ArrowDown") move(1);
      else if (event.key === "ArrowUp") move(-1);
      else if (event.key === "Enter") {
        if (active >= 0) open(active, event.ctrlKey || event.metaKey);
        else if (timer) flush();
      } else if (event.key === "Escape") {
        if (input.value) {
          state.q = input.value = "";
          commit(true);
        } else if (filtered()) reset(false);
        else input.blur();
      } else return;
      event.preventDefault();
    });

    const widget = {
      host,
      syncURL,
      focus: () => {
        input.focus();
        input.select();
      },
      fromURL,
    };
    instances.push(widget);
    if (syncURL && new URLSearchParams(location.search).toString()) fromURL();
    else renderFilters();
  }

  // `/` (outside text fields) or Ctrl+K / ⌘K focuses the first widget's box.
  document.addEventListener("keydown", (event) => {
    const widget = instances[0];
    if (!widget || event.defaultPrevented || event.isComposing || event.altKey) return;
    const command = event.ctrlKey || event.metaKey;
    if ((command && event.key.toLowerCase() === "k") || (!command && event.key === "/" && !typingIn(event.composedPath()[0]))) {
      event.preventDefault();
      widget.focus();
    }
  });
  window.addEventListener("popstate", () => instances.find((w) => w.syncURL)?.fromURL());

  customElements.define(
    "sagasu-search",
    class extends HTMLElement {
      connectedCallback() {
        mount(this);
      }
    },
  );
  const mountAll = () => document.querySelectorAll("[data-sagasu]").forEach(mount);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
