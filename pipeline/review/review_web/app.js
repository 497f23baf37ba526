// qikan review: the browser side of `qikan review` (see /work/notes/review-api.md for the API).
// Plain JS, no framework and no build step: the server embeds this file in its binary, so the
// page works offline. State lives in the URL hash (which view, which page, which filters) and in
// localStorage (reviewer name, unsaved edits), so a reload or a crash loses nothing.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const API = '/api/v1';
  const LOW = 60;       // below: red, certainly worth a look
  const DOUBTFUL = 80;  // below: orange; Tab visits every word under this
  const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];

  const state = {
    reviewer: localStorage.getItem('qikan.reviewer') || '',
    filters: loadJson('qikan.filters', {status: 'open', issue: '', reason: ''}),
    queue: null,        // last GET /queue answer for the filters
    order: [],          // [{issue_key, page}] the queue as it was when the operator started moving
    selected: 0,
    page: null,         // GET page answer
    pageKey: null,      // {issue, page}
    queueItem: null,    // the queue row of the open page, when known
    structure: null,
    editing: null,      // {target, kind: 'word'|'line', base: text as shown when opened}
    saving: false,
    zoom: Number(localStorage.getItem('qikan.zoom')) || 1,
    panel: 'text',
    showAll: false,
    routeToken: 0,
  };

  function loadJson(key, fallback) {
    try { return Object.assign({}, fallback, JSON.parse(localStorage.getItem(key) || '{}')); }
    catch { return fallback; }
  }

  // ---------------------------------------------------------------- API

  // fetch() rejects header values outside Latin-1, so a name like 王芳 travels percent-encoded;
  // the server decodes it (plain ASCII names are sent as typed).
  function reviewerHeader(name) {
    return /^[\x20-\x7e]*$/.test(name) && !name.includes('%') ? name : encodeURIComponent(name);
  }

  async function api(path, options = {}) {
    const init = {method: options.method || 'GET', headers: {}};
    if (state.reviewer) init.headers['X-Qikan-Reviewer'] = reviewerHeader(state.reviewer);
    if (options.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(API + path, init);
    } catch (e) {
      throw new ApiError(0, 'The review server does not answer (is `qikan review` still running?).', null);
    }
    let data = null;
    const text = await response.text();
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!response.ok) {
      const message = (data && data.error) || `The server answered ${response.status} ${response.statusText}.`;
      throw new ApiError(response.status, message, data);
    }
    return data;
  }

  class ApiError extends Error {
    constructor(status, message, data) { super(message); this.status = status; this.data = data; }
  }

  const enc = encodeURIComponent;
  const pagePath = (issue, page) => `/issues/${enc(issue)}/pages/${page}`;

  // ---------------------------------------------------------------- small UI helpers

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  let toastTimer = 0;
  function toast(message, kind = 'ok') {
    const el = $('toast');
    el.textContent = message;
    el.className = `toast ${kind}`;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 8000 : 3500);
  }

  function notice(message) {
    const el = $('notice');
    if (!message) { el.hidden = true; el.textContent = ''; return; }
    el.replaceChildren(h('span', {}, message),
      h('button', {type: 'button', class: 'icon-button small', 'aria-label': 'Dismiss', onclick: () => notice('')}, '×'));
    el.hidden = false;
  }

  const confClass = (c) => (c < LOW ? 'low' : c < DOUBTFUL ? 'mid' : 'ok');
  const fmtConf = (c) => (typeof c === 'number' ? c.toFixed(1) : '–');

  function fmtTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    return d.toLocaleString(undefined, {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'});
  }

  // A record field in the operator's words: "articles[4].attribution.authors" → "作者 authors of
  // article 5"; the path itself stays in tooltips.
  const FIELD_NAMES = {
    title: '标题 title', edition: '版别 edition', number: '期号 number', cumulative_number: '总期号 cumulative number',
    publisher: '编印单位 publisher', date: '日期 date', column: '栏目 column', locality: '地区 locality',
    'attribution.authors': '作者 authors', 'attribution.organization': '单位 organization', text: '正文 text',
  };
  const LIST_NAMES = {toc: 'contents entry', articles: 'article', briefs: 'brief'};
  function fieldName(path) {
    const m = /^(toc|articles|briefs)\[(\d+)\]\.(.+)$/.exec(path || '');
    if (m) return `${FIELD_NAMES[m[3]] || m[3]} of ${LIST_NAMES[m[1]]} ${Number(m[2]) + 1}`;
    const i = /^issue\.(.+)$/.exec(path || '');
    if (i) return `issue ${FIELD_NAMES[i[1]] || i[1]}`;
    return path || '';
  }
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  // Mean word confidence on the scale the review flag uses: from 90 a page reads well, from 80
  // it wants a look, below it is doubtful. The bar stretches 70-100 so that 87 and 91 differ.
  function confWord(c) { return c >= 90 ? 'good' : c >= 80 ? 'check' : 'doubtful'; }
  function confRank(c) { return c >= 90 ? 'ok' : c >= 80 ? 'mid' : 'low'; }
  function confBar(c) { return Math.max(3, Math.min(100, ((c || 0) - 70) / 30 * 100)); }

  // The estimated character error rate (0-1) qikan gives each page from the fit of characters
  // to ink, garbled and low-confidence stretches and lost lines: below 1% a page reads well,
  // from 2% it is flagged (review item estimated-error). Records older than the estimate have
  // none: their mean word confidence is shown instead. The bar stretches 0-5%.
  const hasErr = (e) => typeof e === 'number' && e >= 0;
  const fmtErr = (e) => (hasErr(e) ? `${(100 * e).toFixed(1)}%` : '–');
  function errWord(e) { return e < 0.01 ? 'good' : e < 0.02 ? 'check' : 'doubtful'; }
  function errRank(e) { return e < 0.01 ? 'ok' : e < 0.02 ? 'mid' : 'low'; }
  function errBar(e) { return Math.max(3, Math.min(100, (e || 0) / 0.05 * 100)); }
  const ERR_TITLE = 'estimated character error: below 1% reads well, 1-2% wants a look, from 2% is flagged';
  const CONF_TITLE = 'mean word confidence (no error estimate in this record): 90 and above reads well, 80-90 wants a look, below 80 is doubtful';

  function statusPill(status) {
    return h('span', {class: `pill ${status || 'open'}`}, status || 'open');
  }

  function isTyping(el) {
    return el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
  }

  const anyDialogOpen = () => !!document.querySelector('dialog[open]');

  // ---------------------------------------------------------------- drafts (unsaved edits)

  // One localStorage entry per edited target: {text, version, at}. Written on every keystroke,
  // removed when the edit is saved or cancelled.
  const draftKey = (issue, page, target) => `qikan.draft:${issue}:${page}:${target}`;

  function putDraft(issue, page, target, text, version) {
    localStorage.setItem(draftKey(issue, page, target), JSON.stringify({text, version, at: Date.now()}));
  }
  function getDraft(issue, page, target) {
    try { return JSON.parse(localStorage.getItem(draftKey(issue, page, target))); } catch { return null; }
  }
  function dropDraft(issue, page, target) { localStorage.removeItem(draftKey(issue, page, target)); }
  function draftsOf(issue, page) {
    const prefix = `qikan.draft:${issue}:${page}:`;
    const out = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && k.startsWith(prefix)) {
        try { out.push({target: k.slice(prefix.length), ...JSON.parse(localStorage.getItem(k))}); } catch { /* skip */ }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- routing

  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/queue';
    const [path, query] = raw.split('?');
    const params = new URLSearchParams(query || '');
    const m = path.match(/^\/issues\/([^/]+)\/pages\/(\d+)$/);
    if (m) return {view: 'page', issue: decodeURIComponent(m[1]), page: Number(m[2]), params};
    return {view: 'queue', params};
  }

  function pageHash(issue, page) { return `#/issues/${enc(issue)}/pages/${page}`; }

  function queueHash() {
    const p = new URLSearchParams();
    for (const k of ['status', 'issue', 'reason']) if (state.filters[k]) p.set(k, state.filters[k]);
    return `#/queue?${p}`;
  }

  async function route() {
    const token = ++state.routeToken;
    const r = parseHash();
    notice('');
    if (r.view === 'page') {
      $('queue-view').hidden = true;
      $('page-view').hidden = false;
      await openPage(r.issue, r.page, token);
    } else {
      closeEditor(false);
      for (const k of ['status', 'issue', 'reason']) {
        if (r.params.has(k)) state.filters[k] = r.params.get(k);
      }
      localStorage.setItem('qikan.filters', JSON.stringify(state.filters));
      $('page-view').hidden = true;
      $('queue-view').hidden = false;
      await loadQueue(token);
    }
  }

  // ---------------------------------------------------------------- queue view

  function queueQuery() {
    const p = new URLSearchParams();
    p.set('status', state.filters.status || 'open');
    if (state.filters.issue) p.set('issue', state.filters.issue);
    if (state.filters.reason) p.set('reason', state.filters.reason);
    p.set('limit', '1000');
    return `/queue?${p}`;
  }

  async function fetchQueue() {
    state.queue = await api(queueQuery());
    return state.queue;
  }

  async function loadQueue(token) {
    setCrumbs([{label: 'Queue'}]);
    document.title = 'Queue · qikan review';
    let q;
    try {
      q = await fetchQueue();
    } catch (e) {
      notice(e.message);
      return;
    }
    if (token !== state.routeToken) return;
    state.order = q.items.map((it) => ({issue_key: it.issue_key, page: it.page}));
    renderQueue();
  }

  function renderQueue() {
    const q = state.queue;
    const status = state.filters.status || 'open';
    for (const b of document.querySelectorAll('#status-filter button')) {
      b.setAttribute('aria-checked', String(b.dataset.status === status));
    }
    const counts = q.counts || {};
    for (const el of document.querySelectorAll('#status-filter [data-count]')) {
      el.textContent = counts[el.dataset.count] ?? 0;
    }
    const total = (counts.open || 0) + (counts.approved || 0) + (counts.rejected || 0);
    $('queue-counts').textContent = total
      ? `${counts.open || 0} of ${total} pages still open · ${q.items.length} shown`
      : 'No page has been flagged for review.';

    // The issue list comes from the unfiltered queue the first time; keep what we have seen.
    state.knownIssues = state.knownIssues || new Map();
    for (const it of q.items) state.knownIssues.set(it.issue_key, it);
    fillSelect($('issue-filter'), 'all issues', [...state.knownIssues.values()]
      .sort((a, b) => a.issue_key.localeCompare(b.issue_key))
      .map((it) => [it.issue_key, issueLabel(it)]), state.filters.issue);
    fillSelect($('reason-filter'), 'all reasons', (q.reasons || []).map((r) => [r, r]), state.filters.reason);

    const body = $('queue-body');
    body.replaceChildren(...q.items.map((it, i) => queueRow(it, i)));
    $('queue-empty').hidden = q.items.length > 0;
    $('queue-table').hidden = q.items.length === 0;
    state.selected = Math.min(state.selected, Math.max(0, q.items.length - 1));
    const back = state.lastOpened;
    if (back) {
      const i = q.items.findIndex((it) => it.issue_key === back.issue && it.page === back.page);
      if (i >= 0) state.selected = i;
    }
    select(state.selected, false);
  }

  function issueLabel(it) {
    return it.issue_label || it.issue_key;
  }

  function fillSelect(select, allLabel, options, value) {
    const opts = [h('option', {value: ''}, allLabel)];
    let found = !value;
    for (const [v, label] of options) {
      opts.push(h('option', {value: v}, label));
      if (v === value) found = true;
    }
    if (!found) opts.push(h('option', {value}, value));
    select.replaceChildren(...opts);
    select.value = value || '';
  }

  function queueRow(it, i) {
    const open = () => { state.selected = i; openFromQueue(i); };
    const conf = it.mean_confidence;
    const reasons = (it.reasons || []).map((r, j) =>
      h('span', {class: `reason r-${r.replace(/[^a-z-]/g, '')}`, title: (it.details || [])[j] || r}, r));
    return h('tr', {class: 'qrow', dataset: {index: i}, onclick: open},
      h('td', {class: 'issue-cell'},
        h('a', {href: pageHash(it.issue_key, it.page), class: 'issue-link', title: `file key ${it.issue_key}`,
                'aria-label': `${issueLabel(it)}, ${it.page === 0 ? 'whole issue' : `page ${it.page}`}, ${it.status}`,
                onfocus: () => select(i, false), onclick: (e) => { e.preventDefault(); }}, issueLabel(it)),
        h('span', {class: 'sub key', title: `issue key ${it.issue_key}`}, it.source_file || it.issue_key)),
      h('td', {class: 'num page-cell'}, it.page === 0 ? h('span', {class: 'sub'}, 'issue') : it.page),
      h('td', {class: 'reasons-cell'}, reasons,
        (it.details || []).length ? h('div', {class: 'detail'}, it.details[0] + (it.details.length > 1 ? ` (+${it.details.length - 1} more)` : '')) : null),
      h('td', {class: 'conf-cell'}, hasErr(it.estimated_cer)
        ? h('div', {class: 'conf', title: ERR_TITLE},
            h('span', {class: `conf-num ${errRank(it.estimated_cer)}`}, fmtErr(it.estimated_cer)),
            h('span', {class: 'bar'}, h('i', {class: errRank(it.estimated_cer), style: `width:${errBar(it.estimated_cer)}%`})),
            h('span', {class: `conf-word ${errRank(it.estimated_cer)}`}, errWord(it.estimated_cer)))
        : conf > 0 || it.page !== 0
        ? h('div', {class: 'conf', title: CONF_TITLE},
            h('span', {class: `conf-num ${confRank(conf)}`}, fmtConf(conf)),
            h('span', {class: 'bar'}, h('i', {class: confRank(conf), style: `width:${confBar(conf)}%`})),
            h('span', {class: `conf-word ${confRank(conf)}`}, confWord(conf)))
        : h('span', {class: 'sub'}, '–')),
      h('td', {}, statusPill(it.status)),
      h('td', {class: 'num'}, it.corrections ? h('span', {class: 'count'}, it.corrections) : h('span', {class: 'sub'}, '0')));
  }

  function select(i, scroll = true) {
    const rows = $('queue-body').children;
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    for (const r of rows) { r.classList.remove('selected'); r.removeAttribute('aria-selected'); }
    rows[i].classList.add('selected');
    rows[i].setAttribute('aria-selected', 'true');
    state.selected = i;
    if (scroll) rows[i].scrollIntoView({block: 'nearest'});
  }

  function openFromQueue(i) {
    const it = state.queue && state.queue.items[i];
    if (!it) return;
    state.order = state.queue.items.map((x) => ({issue_key: x.issue_key, page: x.page}));
    location.hash = pageHash(it.issue_key, it.page);
  }

  function setFilter(key, value) {
    state.filters[key] = value;
    state.selected = 0;
    state.lastOpened = null;
    location.hash = queueHash();
  }

  // ---------------------------------------------------------------- page view

  async function openPage(issue, page, token) {
    const same = state.pageKey && state.pageKey.issue === issue && state.pageKey.page === page;
    if (!same) {
      closeEditor(false);
      state.page = null;
      state.structure = null;
      state.lastTarget = null;
      // A decision or Next clicked in the toolbar leaves the focus there; give the keyboard back
      // to the page so Tab walks the doubtful words of the new one.
      if (document.activeElement && document.activeElement.closest('.pagebar')) document.activeElement.blur();
    }
    state.pageKey = {issue, page};
    state.lastOpened = {issue, page};
    setCrumbs([{label: 'Queue', href: queueHash()}, {label: issue}, {label: page === 0 ? 'whole issue' : `page ${page}`}]);
    document.title = `${issue} p.${page} · qikan review`;
    $('page-title').textContent = page === 0 ? 'Whole issue' : `Page ${page}`;
    $('page-issue').textContent = issue;
    $('page-issue').title = issue;

    if (!state.queue || !state.order.length) {
      try { await fetchQueue(); state.order = state.queue.items.map((x) => ({issue_key: x.issue_key, page: x.page})); }
      catch { /* the page still works without the queue */ }
    }
    state.queueItem = findQueueItem(issue, page);

    const [pageResult, structureResult] = await Promise.allSettled([
      loadPageData(issue, page), api(`/issues/${enc(issue)}/structure`)]);
    if (token !== state.routeToken) return;
    if (structureResult.status === 'fulfilled') state.structure = structureResult.value;
    if (pageResult.status === 'rejected') {
      notice(pageResult.reason.message);
      return;
    }
    state.page = pageResult.value;
    if (page === 0 && state.panel === 'text') state.panel = 'structure';
    renderPage();
    if (structureResult.status === 'rejected') {
      $('panel-structure').replaceChildren(h('p', {class: 'error'}, structureResult.reason.message));
    }
    restoreDrafts();
  }

  function findQueueItem(issue, page) {
    return state.queue && state.queue.items.find((it) => it.issue_key === issue && it.page === page) || null;
  }

  // Page 0 holds the whole-issue review items; it has no image or words. A server that does not
  // serve it is answered from the queue row.
  async function loadPageData(issue, page) {
    try {
      return await api(pagePath(issue, page));
    } catch (e) {
      if (page !== 0 || !(e.status === 400 || e.status === 404)) throw e;
      const it = state.queueItem || {};
      return {issue_key: issue, page: 0, pages: 0, width: 0, height: 0, image: null, lines: [], history: [],
              status: it.status || 'open', version: it.version || 0, mean_confidence: it.mean_confidence,
              reviews: (it.reasons || []).map((r, i) => ({reason: r, detail: (it.details || [])[i] || '', status: it.status}))};
    }
  }

  async function reloadPage() {
    const {issue, page} = state.pageKey;
    state.page = await loadPageData(issue, page);
    renderPage();
  }

  function allWords() {
    const out = [];
    for (const line of state.page.lines || []) for (const w of line.words || []) out.push({w, line});
    return out;
  }

  // Whether the newest applied correction in this line is one of the whole line (then the
  // server has put the line's text in its first word and emptied the others).
  function wholeLineCorrected(line) {
    if (!line.corrected) return false;
    const hist = (state.page.history || []).filter((e) => (!e.outcome || e.outcome === 'applied') &&
      (e.target === line.id || (e.target || '').startsWith(`${line.id}.w`)));
    if (hist.length) return hist[hist.length - 1].target === line.id;
    return (line.words || []).slice(1).some((w) => w.corrected && w.text === '');
  }

  function findTarget(id) {
    for (const line of (state.page && state.page.lines) || []) {
      if (line.id === id) return {kind: 'line', obj: line, line};
      for (const w of line.words || []) if (w.id === id) return {kind: 'word', obj: w, line};
    }
    return null;
  }

  function renderPage() {
    const p = state.page;
    if (!p) return;
    const st = $('page-status');
    st.className = `pill ${p.status || 'open'}`;
    st.textContent = p.status || 'open';
    const conf = $('page-conf');
    conf.hidden = !(p.page > 0);
    if (hasErr(p.estimated_cer)) {
      conf.className = `conf-badge ${errRank(p.estimated_cer)}`;
      conf.textContent = `estimated error ${fmtErr(p.estimated_cer)} · ${errWord(p.estimated_cer)}`;
      conf.title = `${ERR_TITLE}; mean word confidence ${fmtConf(p.mean_confidence)}`;
    } else {
      conf.className = `conf-badge ${confRank(p.mean_confidence)}`;
      conf.textContent = `confidence ${fmtConf(p.mean_confidence)} · ${confWord(p.mean_confidence)}`;
      conf.title = CONF_TITLE;
    }
    const pos = state.order.findIndex((o) => o.issue_key === p.issue_key && o.page === p.page);
    $('queue-pos').textContent = pos >= 0 ? `${pos + 1} / ${state.order.length} in queue` : 'not in the current queue';
    if (p.page > 0 && p.pages) $('page-title').textContent = `Page ${p.page} of ${p.pages}`;
    const qi = state.queueItem;
    const label = p.issue_label || (qi && qi.issue_label) || p.issue_key;
    $('page-issue').textContent = label;
    $('page-issue').title = `issue key ${p.issue_key}`;
    setCrumbs([{label: 'Queue', href: queueHash()}, {label, title: `issue key ${p.issue_key}`}, {label: p.page === 0 ? 'whole issue' : `page ${p.page}`}]);
    document.title = `${label} p.${p.page} · qikan review`;
    $('reopen-button').hidden = !p.status || p.status === 'open';
    $('approve-button').disabled = p.status === 'approved';
    $('prev-button').disabled = pos <= 0;
    $('next-button').disabled = pos < 0 ? !state.order.length : pos >= state.order.length - 1;

    // Whole-issue items have no scan: the structure takes the page's width.
    $('page-view').classList.toggle('whole-issue', p.page === 0);
    renderImage();
    renderReasons();
    renderLines();
    renderHistory();
    renderStructure();
    showPanel(state.panel, false);
    if (state.editing) reopenEditorAfterRender();
  }

  function renderReasons() {
    const p = state.page;
    const items = (p.reviews || []).map((r) =>
      h('li', {}, h('span', {class: `reason r-${(r.reason || '').replace(/[^a-z-]/g, '')}`}, r.reason),
        h('span', {class: 'detail'}, r.detail || ''), r.status && r.status !== 'open' ? statusPill(r.status) : null,
        r.note ? h('div', {class: 'note'}, r.note) : null));
    $('reasons').replaceChildren(
      h('h2', {}, p.page === 0 ? 'Why this issue is here' : 'Why this page is here'),
      items.length ? h('ul', {}, items) : h('p', {class: 'sub'}, p.page === 0 ? 'No whole-issue review item.' : 'No review item on this page.'),
      p.decided_by && p.status !== 'open' ? h('p', {class: `decision ${p.status}`}, `${p.status === 'approved' ? 'Approved' : 'Rejected'} by ${p.decided_by}, ${fmtTime(p.decided_at)}.`) : '',
      p.comment ? h('p', {class: 'comment'}, h('b', {}, 'Comment: '), p.comment) : '',
      (p.stale || []).length ? h('p', {class: 'stale-note'}, `${p.stale.length === 1 ? 'One earlier correction no longer matches the OCR and is' : `${p.stale.length} earlier corrections no longer match the OCR and are`} not applied (see History).`) : '',
      p.changed_by ? h('p', {class: 'sub changed'}, `Last change by ${p.changed_by}, ${fmtTime(p.changed_at)}.`) : '');
  }

  // ---- image with word boxes

  function renderImage() {
    const p = state.page;
    const hasImage = !!(p.image && p.width && p.height && p.has_image !== false);
    $('image-stage').hidden = !hasImage;
    $('no-image').hidden = hasImage;
    $('no-image').textContent = p.page === 0
      ? 'This item concerns the whole issue: check its structure on the right.'
      : 'The scan of this page is not in the archive (it was archived before page images were kept); correct it from the text on the right.';
    $('image-pane').classList.toggle('show-all', state.showAll);
    $('show-all-boxes').checked = state.showAll;
    if (!hasImage) return;
    const img = $('page-image');
    if (img.getAttribute('src') !== p.image) {
      img.src = p.image;
      img.alt = `Scan of ${p.issue_key} page ${p.page}`;
    }
    $('image-stage').style.aspectRatio = `${p.width} / ${p.height}`;
    applyZoom();
    const drafts = new Set(draftsOf(p.issue_key, p.page).map((d) => d.target));
    const pct = (v, total) => `${(100 * v / total).toFixed(4)}%`;
    const boxes = [];
    for (const {w, line} of allWords()) {
      const b = w.box;
      const cls = ['box', w.corrected ? 'fixed' : confClass(w.confidence)];
      if (drafts.has(w.id) || drafts.has(line.id)) cls.push('draft');
      boxes.push(h('div', {
        class: cls.join(' '), dataset: {id: wholeLineCorrected(line) ? line.id : w.id},
        style: `left:${pct(b.x, p.width)};top:${pct(b.y, p.height)};width:${pct(b.width, p.width)};height:${pct(b.height, p.height)}`,
        title: `${w.text}  (${fmtConf(w.confidence)}${w.corrected ? ', corrected' : ''})`,
      }));
    }
    $('overlay').replaceChildren(...boxes);
  }

  function applyZoom() {
    const stage = $('image-stage');
    stage.style.width = `${Math.round(state.zoom * 100)}%`;
    $('zoom-level').textContent = state.zoom === 1 ? 'Fit' : `${Math.round(state.zoom * 100)}%`;
    if (state.editing) positionEditor();
  }

  function setZoom(z) {
    const scroll = $('image-scroll');
    const cx = (scroll.scrollLeft + scroll.clientWidth / 2) / scroll.scrollWidth;
    const cy = (scroll.scrollTop + scroll.clientHeight / 2) / scroll.scrollHeight;
    state.zoom = z;
    localStorage.setItem('qikan.zoom', String(z));
    applyZoom();
    scroll.scrollLeft = cx * scroll.scrollWidth - scroll.clientWidth / 2;
    scroll.scrollTop = cy * scroll.scrollHeight - scroll.clientHeight / 2;
  }

  function zoomStep(dir) {
    let i = ZOOMS.findIndex((z) => z >= state.zoom - 1e-6);
    if (i < 0) i = ZOOMS.length - 1;
    if (dir > 0 && ZOOMS[i] <= state.zoom + 1e-6) i++;
    if (dir < 0) i--;
    setZoom(ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, i))]);
  }

  // ---- text beside the image

  const isAsciiWordChar = (ch) => /[A-Za-z0-9]/.test(ch || '');

  function renderLines() {
    const p = state.page;
    const drafts = new Set(draftsOf(p.issue_key, p.page).map((d) => d.target));
    const items = [];
    let n = 0;
    for (const line of p.lines || []) {
      n++;
      const words = line.words || [];
      const joined = words.map((w) => w.text).join('');
      // A line corrected as a whole puts its text in its first word (the server's rule); show
      // it as one piece, editable as a line.
      const lineFixed = wholeLineCorrected(line) || joined.replace(/\s+/g, '') !== (line.text || '').replace(/\s+/g, '');
      const content = [];
      if (lineFixed || !words.length) {
        content.push(h('button', {type: 'button', class: `word whole ${lineFixed ? 'fixed' : confClass(line.confidence)}${drafts.has(line.id) ? ' draft' : ''}`,
          tabindex: '-1', dataset: {id: line.id}, title: line.corrected ? `line corrected; OCR read “${line.original ?? ''}”` : null}, line.text || '∅'));
      } else {
        words.forEach((w, i) => {
          if (i > 0 && isAsciiWordChar(words[i - 1].text.slice(-1)) && isAsciiWordChar(w.text[0])) content.push(' ');
          const cls = ['word', w.corrected ? 'fixed' : confClass(w.confidence)];
          const draft = drafts.has(w.id) ? getDraft(p.issue_key, p.page, w.id) : null;
          if (draft) cls.push('draft');
          content.push(h('button', {type: 'button', class: cls.join(' '), tabindex: '-1', dataset: {id: w.id},
            title: draft ? `unsaved: “${draft.text}” (was “${w.text}”)`
              : w.corrected ? `corrected; OCR read “${w.original ?? ''}”` : `confidence ${fmtConf(w.confidence)}`}, w.text));
        });
      }
      items.push(h('li', {class: `line${drafts.has(line.id) ? ' draft' : ''}`, dataset: {line: line.id}},
        h('button', {type: 'button', class: 'line-edit', tabindex: '-1', dataset: {id: line.id},
          'aria-label': `Edit line ${n}`, title: `Edit the whole line ${n}`}, h('span', {class: 'ln'}, n), '✎'),
        h('span', {class: 'line-text'}, content)));
    }
    $('lines').replaceChildren(...items);
    if (!items.length) $('lines').append(h('li', {class: 'sub'}, p.page === 0 ? 'Whole-issue item: see Structure.' : 'No text was read on this page.'));
  }

  function renderHistory() {
    const p = state.page;
    const hist = [...(p.history || [])].reverse();
    const s = state.structure;
    const shist = s ? [...(s.history || [])].reverse() : [];
    $('history-count').textContent = hist.length ? hist.length : '';
    $('history-count').hidden = !hist.length;
    const row = (e) => h('li', {class: e.outcome && e.outcome !== 'applied' ? 'stale' : null},
      h('div', {class: 'hist-head'}, h('span', {title: e.target || e.field || ''}, targetLabel(e.target || e.field || '') || fieldName(e.target || e.field || ''),
        e.outcome && e.outcome !== 'applied' ? h('span', {class: 'stale-tag', title: 'The OCR text there changed since; this correction no longer applies'}, e.outcome) : null),
      h('span', {class: 'sub'}, `${e.reviewer || '?'} · ${fmtTime(e.at || e.created_at)}`)),
      h('div', {class: 'hist-change'}, h('del', {}, fmtValue(e.before)), ' → ', h('ins', {}, fmtValue(e.after))));
    $('panel-history').replaceChildren(
      h('h3', {}, 'This page'),
      hist.length ? h('ol', {class: 'history'}, hist.map(row)) : h('p', {class: 'sub'}, 'No correction yet.'),
      h('h3', {}, 'Issue structure'),
      shist.length ? h('ol', {class: 'history'}, shist.map(row)) : h('p', {class: 'sub'}, 'No correction yet.'));
  }

  // "b0.l3.w2" → "line 4, word 3" (line numbers as in the text panel).
  function targetLabel(id) {
    const m = /^b(\d+)\.l(\d+)(?:\.w(\d+))?$/.exec(id);
    if (!m || !state.page) return '';
    const lineId = `b${m[1]}.l${m[2]}`;
    const n = (state.page.lines || []).findIndex((l) => l.id === lineId) + 1;
    if (!n) return '';
    return m[3] !== undefined ? `Line ${n}, word ${Number(m[3]) + 1}` : `Line ${n}`;
  }

  function fmtValue(v) {
    if (v === null || v === undefined || v === '') return '∅';
    if (Array.isArray(v)) return v.join('、');
    return String(v);
  }

  // ---------------------------------------------------------------- the editor

  function openEditor(target, opts = {}) {
    const p = state.page;
    const found = findTarget(target);
    if (!found) return;
    if (state.editing && state.editing.target !== target) closeEditor(false, true);
    const draft = getDraft(p.issue_key, p.page, target);
    const text = found.obj.text || '';
    state.editing = {target, kind: found.kind, base: text};
    const input = $('editor-input');
    input.value = opts.text ?? (draft ? draft.text : text);
    $('editor-error').hidden = !opts.error;
    $('editor-error').textContent = opts.error || '';
    fillEditor(found);
    $('editor').hidden = false;
    positionEditor();
    markActive(target);
    if (!opts.keepFocus) { input.focus(); input.select(); }
  }

  function fillEditor(found) {
    const {kind, obj, line} = found;
    const lineNo = state.page.lines.indexOf(line) + 1;
    $('editor-target').textContent = kind === 'word' ? `Word on line ${lineNo}` : `Line ${lineNo}`;
    const c = obj.confidence;
    $('editor-conf').className = `editor-conf ${obj.corrected ? 'fixed' : confClass(c)}`;
    $('editor-conf').textContent = obj.corrected ? 'corrected' : `confidence ${fmtConf(c)}`;
    const orig = obj.corrected && obj.original != null ? `OCR read: ${obj.original}` : '';
    $('editor-original').textContent = orig;
    $('editor-original').hidden = !orig;
    $('editor-line').hidden = kind !== 'word';
    renderCrop(kind === 'word' ? obj.box : line.box, line.box);
  }

  // Shows the scanned glyphs next to the text being typed: a crop of the line around the target,
  // enlarged, with the target outlined.
  function renderCrop(box, lineBox) {
    const p = state.page;
    const crop = $('editor-crop');
    const img = $('editor-crop-img');
    if (!p.image || !box) { crop.hidden = true; return; }
    crop.hidden = false;
    const padY = Math.round(lineBox.height * 0.25);
    const y0 = Math.max(0, Math.min(box.y, lineBox.y) - padY);
    const y1 = Math.min(p.height, Math.max(box.y + box.height, lineBox.y + lineBox.height) + padY);
    const span = Math.max(box.width * 3, lineBox.height * 8);
    const x0 = Math.max(lineBox.x - padY, Math.round(box.x + box.width / 2 - span / 2), 0);
    const x1 = Math.min(lineBox.x + lineBox.width + padY, x0 + span, p.width);
    const w = Math.max(1, x1 - x0), hgt = Math.max(1, y1 - y0);
    const s = Math.min(380 / w, 72 / hgt, 3);
    img.style.width = `${w * s}px`;
    img.style.height = `${hgt * s}px`;
    img.style.backgroundImage = `url("${p.image}")`;
    img.style.backgroundSize = `${p.width * s}px ${p.height * s}px`;
    img.style.backgroundPosition = `${-x0 * s}px ${-y0 * s}px`;
    img.replaceChildren(h('i', {class: 'crop-mark',
      style: `left:${(box.x - x0) * s - 2}px;top:${(box.y - y0) * s - 2}px;width:${box.width * s + 4}px;height:${box.height * s + 4}px`}));
  }

  function positionEditor() {
    const ed = state.editing;
    const p = state.page;
    if (!ed || !p || !p.width) return;
    const found = findTarget(ed.target);
    if (!found) return;
    const box = found.kind === 'word' ? found.obj.box : found.line.box;
    const stage = $('image-stage');
    const el = $('editor');
    if (el.parentElement !== stage) stage.append(el);
    const s = stage.clientWidth / p.width;
    const ew = el.offsetWidth || 400;
    const eh = el.offsetHeight || 200;
    let left = Math.max(4, Math.min(box.x * s, stage.clientWidth - ew - 4));
    let top = (box.y + box.height) * s + 8;
    if (top + eh > stage.clientHeight && box.y * s - eh - 8 > 0) top = box.y * s - eh - 8;
    el.style.left = `${left}px`;
    el.style.top = `${top}px`;
    // Bring both the word and the editor into view.
    const scroll = $('image-scroll');
    const want = {top: Math.min(box.y * s, top) - 40, bottom: Math.max(top + eh, (box.y + box.height) * s) + 20};
    if (want.top < scroll.scrollTop || want.bottom > scroll.scrollTop + scroll.clientHeight) {
      scroll.scrollTop = Math.max(0, want.top - Math.max(0, (scroll.clientHeight - (want.bottom - want.top)) / 3));
    }
    const bx = box.x * s;
    if (bx < scroll.scrollLeft || bx + ew > scroll.scrollLeft + scroll.clientWidth) {
      scroll.scrollLeft = Math.max(0, bx - 40);
    }
  }

  function markActive(target) {
    for (const el of document.querySelectorAll('.active')) el.classList.remove('active');
    if (!target) return;
    for (const el of document.querySelectorAll(`[data-id="${CSS.escape(target)}"]`)) el.classList.add('active');
    const found = findTarget(target);
    if (found && found.kind === 'word') {
      const li = document.querySelector(`#lines [data-line="${CSS.escape(found.line.id)}"]`);
      if (li) li.scrollIntoView({block: 'nearest'});
    } else {
      const li = document.querySelector(`#lines [data-line="${CSS.escape(target)}"]`);
      if (li) { li.classList.add('active'); li.scrollIntoView({block: 'nearest'}); }
    }
  }

  // `discard` drops the draft too (Esc); closing because another word was opened keeps it.
  function closeEditor(discard, keepMarks) {
    const ed = state.editing;
    if (ed && discard && state.page) dropDraft(state.page.issue_key, state.page.page, ed.target);
    state.editing = null;
    $('editor').hidden = true;
    $('editor-error').hidden = true;
    if (!keepMarks) markActive(null);
    if (ed && discard && state.page) {
      renderDraftMarks();
      const btn = document.querySelector(`#lines [data-id="${CSS.escape(ed.target)}"]`);
      if (btn) btn.focus({preventScroll: true});
    }
  }

  function renderDraftMarks() {
    const p = state.page;
    const drafts = new Set(draftsOf(p.issue_key, p.page).map((d) => d.target));
    for (const el of document.querySelectorAll('#overlay .box, #lines .word')) {
      el.classList.toggle('draft', drafts.has(el.dataset.id));
    }
  }

  function reopenEditorAfterRender() {
    const ed = state.editing;
    if (!findTarget(ed.target)) { closeEditor(false); return; }
    const value = $('editor-input').value;
    const error = $('editor-error').hidden ? '' : $('editor-error').textContent;
    state.editing = null;
    openEditor(ed.target, {text: value, error, keepFocus: document.activeElement === $('editor-input')});
  }

  function onEditorInput() {
    const ed = state.editing;
    const p = state.page;
    if (!ed || !p) return;
    const value = $('editor-input').value;
    if (value === ed.base) dropDraft(p.issue_key, p.page, ed.target);
    else putDraft(p.issue_key, p.page, ed.target, value, p.version);
    renderDraftMarks();
  }

  // Saves the open edit. Resolves true when the editor may move on (saved or nothing to save).
  async function saveEdit(opts = {}) {
    const ed = state.editing;
    const p = state.page;
    if (!ed || !p || state.saving) return false;
    const after = $('editor-input').value;
    if (after === ed.base) {
      dropDraft(p.issue_key, p.page, ed.target);
      if (opts.moving) return true;  // Tab past an unchanged word
      showEditorError('That is what the page already says: nothing to save. Type the correction, or press Esc.');
      return false;
    }
    if (ed.kind === 'word' && !after.trim()) {
      showEditorError('A word cannot be empty; edit the whole line to remove it.');
      return false;
    }
    state.saving = true;
    $('editor-save').disabled = true;
    try {
      const res = await api(`${pagePath(p.issue_key, p.page)}/corrections`,
        {method: 'POST', body: {version: p.version, target: ed.target, after}});
      dropDraft(p.issue_key, p.page, ed.target);
      state.page = res.page || (await loadPageData(p.issue_key, p.page));
      if (res.version !== undefined) state.page.version = res.version;
      state.editing = null;
      $('editor').hidden = true;
      renderPage();
      toast(`Saved: “${ed.base}” → “${after}”.`);
      // The parser re-ran on the corrected text: the structure may have changed with it.
      api(`/issues/${enc(p.issue_key)}/structure`).then((st) => {
        if (state.pageKey && state.pageKey.issue === p.issue_key && !document.querySelector('#panel-structure .st-editing')) {
          state.structure = st;
          renderStructure();
        }
      }).catch(() => {});
      const btn = document.querySelector(`#lines [data-id="${CSS.escape(ed.target)}"]`);
      if (btn) btn.focus({preventScroll: true});
      return true;
    } catch (e) {
      if (e.status === 409) {
        // Someone else changed the page: take their version, keep what this operator typed.
        putDraft(p.issue_key, p.page, ed.target, after, p.version);
        showEditorError(`${e.message} Your text is kept below: check the page, then press Enter to save it again or Esc to drop it.`);
        notice(e.message);
        try {
          await reloadPage();
        } catch (e2) { toast(e2.message, 'error'); }
        $('editor-input').focus();
      } else {
        showEditorError(e.message);
      }
      return false;
    } finally {
      state.saving = false;
      $('editor-save').disabled = false;
    }
  }

  function showEditorError(message) {
    const el = $('editor-error');
    el.textContent = message;
    el.hidden = false;
    positionEditor();
  }

  function doubtfulWords() {
    return allWords().filter(({w}) => !w.corrected && w.confidence < DOUBTFUL).map(({w}) => w.id);
  }

  async function jumpDoubtful(dir) {
    if (!state.page) return;
    if (state.editing) {
      const ok = await saveEdit({moving: true});
      if (!ok) return;
    }
    const ids = doubtfulWords();
    const order = allWords().map(({w}) => w.id);
    if (!ids.length) { toast('No doubtful word left on this page. Press A to approve it.'); closeEditor(false); return; }
    const current = state.lastTarget ? order.indexOf(state.lastTarget) : -1;
    let next;
    if (dir > 0) next = ids.find((id) => order.indexOf(id) > current);
    else next = [...ids].reverse().find((id) => current < 0 || order.indexOf(id) < current);
    if (!next) {
      toast(dir > 0 ? 'That was the last doubtful word on this page. Press A to approve it.' : 'That was the first doubtful word.');
      return;
    }
    editTarget(next);
  }

  function editTarget(id) {
    state.lastTarget = id;
    if (state.panel !== 'text') showPanel('text');
    openEditor(id);
  }

  function editWholeLine() {
    const ed = state.editing;
    if (!ed || ed.kind !== 'word') return;
    const found = findTarget(ed.target);
    closeEditor(false);
    editTarget(found.line.id);
  }

  function restoreDrafts() {
    const p = state.page;
    if (!p || state.editing) return;
    const drafts = draftsOf(p.issue_key, p.page).filter((d) => findTarget(d.target));
    if (!drafts.length) return;
    drafts.sort((a, b) => b.at - a.at);
    toast(`${drafts.length} unsaved edit${drafts.length > 1 ? 's' : ''} restored from before the reload.`);
    const d = drafts[0];
    state.lastTarget = d.target;
    // Typed against an older version: someone may have corrected the same word meanwhile.
    const changed = d.version !== undefined && d.version !== p.version;
    openEditor(d.target, {error: changed
      ? `The page changed since you typed this${p.changed_by ? ` (last change by ${p.changed_by}, ${fmtTime(p.changed_at)})` : ''}. Check it against the page, then Enter saves it, Esc drops it.`
      : ''});
  }

  // ---------------------------------------------------------------- decisions and moving

  async function decide(status, comment = '') {
    const p = state.page;
    if (!p) return;
    const pending = draftsOf(p.issue_key, p.page).filter((d) => findTarget(d.target));
    if (status !== 'open' && pending.length) {
      notice(`This page has ${pending.length} unsaved edit${pending.length > 1 ? 's' : ''}: save it (Enter) or drop it (Esc) before deciding.`);
      editTarget(pending[0].target);
      return;
    }
    try {
      const res = await api(`${pagePath(p.issue_key, p.page)}/decision`, {method: 'POST', body: {version: p.version, status, comment}});
      p.version = res.version ?? p.version;
      p.status = res.status || status;
      const verb = {approved: 'Approved', rejected: 'Rejected', open: 'Reopened'}[status];
      toast(`${verb}: ${p.issue_key} ${p.page ? 'page ' + p.page : '(whole issue)'}`);
      if (status === 'open') { await reloadPage(); return; }
      if (!move(1, true)) {
        await reloadPage();
        toast(`${verb}. That was the last page in the queue.`);
      }
    } catch (e) {
      if (e.status === 409) {
        notice(e.message);
        try { await reloadPage(); } catch (e2) { toast(e2.message, 'error'); }
      } else {
        notice(e.message);
      }
    }
  }

  function move(dir, quiet) {
    const p = state.pageKey;
    if (!p || !state.order.length) return false;
    const pos = state.order.findIndex((o) => o.issue_key === p.issue && o.page === p.page);
    const next = state.order[pos < 0 ? 0 : pos + dir];
    if (!next) {
      if (!quiet) toast(dir > 0 ? 'This is the last page in the queue.' : 'This is the first page in the queue.');
      return false;
    }
    location.hash = pageHash(next.issue_key, next.page);
    return true;
  }

  function askReject() {
    if (!state.page) return;
    const dlg = $('reject-dialog');
    $('reject-comment').value = state.page.comment || '';
    dlg.showModal();
    $('reject-comment').focus();
  }

  // ---------------------------------------------------------------- structure panel

  // The fields the server accepts corrections for (see POST structure/corrections).
  function renderStructure() {
    const panel = $('panel-structure');
    const s = state.structure;
    if (!s) { panel.replaceChildren(h('p', {class: 'sub'}, 'Loading the issue structure…')); return; }
    const page = state.page ? state.page.page : 0;
    const reviewedPaths = new Set([...(s.reviewed_fields || []), ...(s.history || []).map((e) => e.field || e.target)]);
    const isReviewed = (path, fields, member) =>
      reviewedPaths.has(path) || (fields || []).includes(member) ||
      (member.startsWith('attribution.') && (fields || []).includes(member.slice(12)));
    const issue = s.issue || {};
    const parts = [];

    parts.push(h('section', {class: 'st-block'}, h('h3', {}, 'Issue'),
      h('dl', {class: 'st-fields'},
        field('Title', 'issue.title', issue.title, isReviewed('issue.title', [], '')),
        field('Edition', 'issue.edition', issue.edition, isReviewed('issue.edition', [], '')),
        field('Number', 'issue.number', issue.number, isReviewed('issue.number', [], ''), 'int'),
        field('Cumulative', 'issue.cumulative_number', issue.cumulative_number, isReviewed('issue.cumulative_number', [], ''), 'int'),
        field('Publisher', 'issue.publisher', issue.publisher, isReviewed('issue.publisher', [], '')),
        field('Date', 'issue.date', issue.date, isReviewed('issue.date', [], '')))));

    parts.push(h('section', {class: 'st-block'}, h('h3', {}, `Contents (${(s.toc || []).length})`),
      (s.toc || []).length ? h('ol', {class: 'toc'}, (s.toc || []).map((t, ti) => {
        const i = t.index ?? ti;
        return h('li', {},
          field(null, `toc[${i}].column`, t.column, isReviewed(`toc[${i}].column`, t.reviewed_fields, 'column'), 'text', 'col'),
          t.title != null ? field(null, `toc[${i}].title`, t.title, isReviewed(`toc[${i}].title`, t.reviewed_fields, 'title'))
            : h('span', {class: 'sub'}, t.count != null ? `${t.count} items` : ''));
      })) : h('p', {class: 'sub'}, 'No table of contents was found.')));

    const arts = (s.articles || []).map((a, ai) => {
      const i = a.index ?? ai;
      const here = page > 0 && a.start_page <= page && page <= (a.end_page || a.start_page);
      const rf = a.reviewed_fields || [];
      const base = `articles[${i}]`;
      return h('article', {class: `st-article${here ? ' here' : ''}`},
        h('div', {class: 'art-head'},
          field(null, `${base}.column`, a.column, isReviewed(`${base}.column`, rf, 'column'), 'text', 'col'),
          h('span', {class: 'pages'}, a.end_page && a.end_page !== a.start_page ? `pp. ${a.start_page}–${a.end_page}` : `p. ${a.start_page}`),
          here ? h('span', {class: 'here-tag'}, 'on this page') : null),
        field(null, `${base}.title`, a.title, isReviewed(`${base}.title`, rf, 'title'), 'text', 'art-title'),
        h('dl', {class: 'st-fields'},
          field('Locality', `${base}.locality`, a.locality, isReviewed(`${base}.locality`, rf, 'locality')),
          field('Authors', `${base}.attribution.authors`, a.authors || [], isReviewed(`${base}.attribution.authors`, rf, 'attribution.authors'), 'list'),
          field('Organization', `${base}.attribution.organization`, a.organization, isReviewed(`${base}.attribution.organization`, rf, 'attribution.organization'))));
    });
    parts.push(h('section', {class: 'st-block'}, h('h3', {}, `Articles (${arts.length})`), arts.length ? arts : h('p', {class: 'sub'}, 'No article was found.')));

    const briefs = (s.briefs || []).map((b, bi) => {
      const i = b.index ?? bi;
      const here = page > 0 && b.page === page;
      return h('article', {class: `st-article brief${here ? ' here' : ''}`},
        h('div', {class: 'art-head'}, field(null, `briefs[${i}].column`, b.column, isReviewed(`briefs[${i}].column`, b.reviewed_fields, 'column'), 'text', 'col'),
          h('span', {class: 'pages'}, `p. ${b.page}`),
          here ? h('span', {class: 'here-tag'}, 'on this page') : null),
        field(null, `briefs[${i}].text`, b.text, isReviewed(`briefs[${i}].text`, b.reviewed_fields, 'text'), 'long'),
        h('dl', {class: 'st-fields'}, roField('Organization', b.organization), roField('Authors', (b.authors || []).join('、'))));
    });
    if (briefs.length) parts.push(h('section', {class: 'st-block'}, h('h3', {}, `Briefs (${briefs.length})`), briefs));
    const stale = s.stale || [];
    panel.replaceChildren(h('p', {class: 'panel-hint'}, 'Click a field to correct it. ', h('span', {class: 'rv-tag'}, 'reviewer'), ' marks what a reviewer set.'),
      stale.length ? h('p', {class: 'stale-note'}, `${stale.length === 1 ? 'One earlier structure correction no longer fits the parsed issue and is' : `${stale.length} earlier structure corrections no longer fit the parsed issue and are`} not applied: ${stale.map((x) => fieldName(typeof x === 'string' ? x : x.field || x.target || '')).join(', ')}.`) : '',
      ...parts);
  }

  function roField(label, value) {
    if (value === null || value === undefined || value === '') value = '–';
    return [h('dt', {}, label), h('dd', {}, String(value))];
  }

  function field(label, path, value, reviewed, type = 'text', extraClass = '') {
    const shown = type === 'list' ? (value || []).join('、') : value;
    const empty = shown === null || shown === undefined || shown === '';
    const draft = state.pageKey && getDraft(state.pageKey.issue, 'structure', `s:${path}`);
    const btn = h('button', {type: 'button', class: `st-value ${extraClass}${reviewed ? ' reviewed' : ''}${empty ? ' empty' : ''}${draft ? ' draft' : ''}`,
      dataset: {field: path, type}, title: draft ? `unsaved: “${draft.text}”; click to finish it` : `Correct the ${fieldName(path)} (${path})`,
      onclick: () => editField(btn, path, shown, type)},
    empty ? '(empty)' : String(shown), reviewed ? h('span', {class: 'rv-tag', title: 'set by a reviewer'}, 'reviewer') : null,
    draft ? h('span', {class: 'draft-tag'}, 'unsaved') : null);
    if (!label) return btn;
    return [h('dt', {}, label), h('dd', {}, btn)];
  }

  function editField(btn, path, shown, type, opts = {}) {
    const issue = state.pageKey.issue;
    const dkey = `s:${path}`;
    const draft = getDraft(issue, 'structure', dkey);
    const base = shown == null ? '' : String(shown);
    const input = type === 'long' ? h('textarea', {rows: 4, class: 'st-input'}) : h('input', {class: 'st-input', type: 'text'});
    input.value = opts.text ?? (draft ? draft.text : base);
    input.setAttribute('aria-label', `Correct the ${fieldName(path)}`);
    const err = h('div', {class: 'editor-error', role: 'alert', hidden: !opts.error}, opts.error || '');
    const hint = h('div', {class: 'st-hint'}, type === 'list' ? 'Separate names with 、 · ' : '',
      type === 'long' ? 'Ctrl+Enter save · Esc cancel' : 'Enter save · Esc cancel');
    const wrap = h('div', {class: 'st-editing', dataset: {field: path}}, input, err, hint);
    btn.replaceWith(wrap);
    input.focus();
    input.select();
    const cancel = () => { dropDraft(issue, 'structure', dkey); renderStructure(); focusField(path); };
    input.addEventListener('input', () => {
      if (input.value === base) dropDraft(issue, 'structure', dkey);
      else putDraft(issue, 'structure', dkey, input.value, state.structure.version);
    });
    input.addEventListener('keydown', async (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); cancel(); return; }
      const submit = e.key === 'Enter' && (type !== 'long' || e.ctrlKey || e.metaKey);
      if (!submit) { e.stopPropagation(); return; }
      e.preventDefault();
      e.stopPropagation();
      if (input.value === base) {
        err.textContent = 'That is what the record already says: nothing to save. Change it, or press Esc.';
        err.hidden = false;
        return;
      }
      let after = input.value.trim();
      if (type === 'list') after = after.split(/[、,，;；\s]+/).filter(Boolean);
      if (type === 'int') {
        if (!/^\d+$/.test(after)) { err.textContent = 'Give a whole number.'; err.hidden = false; return; }
        after = Number(after);
      }
      input.disabled = true;
      try {
        const res = await api(`/issues/${enc(issue)}/structure/corrections`, {method: 'POST', body: {version: state.structure.version, field: path, after}});
        dropDraft(issue, 'structure', dkey);
        state.structure = res.structure || (await api(`/issues/${enc(issue)}/structure`));
        if (res.version !== undefined) state.structure.version = res.version;
        renderStructure();
        renderHistory();
        focusField(path);
        const also = res.structure && (res.structure.history || []).length ? res.structure.history[0].also : null;
        toast(`Saved the ${fieldName(path)}: “${fmtValue(after)}”${also && also.length ? ` (and the ${also.map(fieldName).join(', ')})` : ''}.`);
      } catch (e2) {
        input.disabled = false;
        if (e2.status === 409) {
          const typed = input.value;
          notice(e2.message);
          try { state.structure = await api(`/issues/${enc(issue)}/structure`); } catch { /* keep the old one */ }
          renderStructure();
          const again = document.querySelector(`#panel-structure .st-value[data-field="${CSS.escape(path)}"]`);
          if (again) editField(again, path, currentFieldText(path), type, {text: typed, error: `${e2.message} Your text is kept: press Enter to save it again.`});
        } else {
          err.textContent = e2.message;
          err.hidden = false;
          input.focus();
        }
      }
    });
  }

  function currentFieldText(path) {
    const btn = document.querySelector(`#panel-structure .st-value[data-field="${CSS.escape(path)}"]`);
    if (!btn || btn.classList.contains('empty')) return '';
    return btn.firstChild ? btn.firstChild.textContent : '';
  }

  function focusField(path) {
    const b = document.querySelector(`#panel-structure .st-value[data-field="${CSS.escape(path)}"]`);
    if (b) b.focus();
  }

  // ---------------------------------------------------------------- panels, crumbs, dialogs

  function showPanel(name, focus = true) {
    state.panel = name;
    for (const n of ['text', 'structure', 'history']) {
      const tab = $(`tab-${n}`);
      tab.setAttribute('aria-selected', String(n === name));
      tab.tabIndex = n === name ? 0 : -1;
      $(`panel-${n}`).hidden = n !== name;
    }
    if (name === 'structure') {
      const here = document.querySelector('#panel-structure .here');
      if (here) here.scrollIntoView({block: 'nearest'});
    }
    if (focus) $(`tab-${name}`).focus();
  }

  function setCrumbs(parts) {
    $('crumbs').replaceChildren(...parts.flatMap((p, i) => [
      i ? h('span', {class: 'sep', 'aria-hidden': 'true'}, '›') : null,
      p.href ? h('a', {href: p.href}, p.label) : h('span', {title: p.title || null}, p.label)]).filter(Boolean));
  }

  function askReviewer(initial) {
    const dlg = $('reviewer-dialog');
    $('reviewer-input').value = state.reviewer || initial || '';
    dlg.showModal();
    $('reviewer-input').select();
  }

  function setReviewer(name) {
    state.reviewer = name.trim();
    localStorage.setItem('qikan.reviewer', state.reviewer);
    $('reviewer-name').textContent = state.reviewer || '?';
  }

  // ---------------------------------------------------------------- keyboard

  function onKey(e) {
    if (e.defaultPrevented || anyDialogOpen()) return;
    const t = e.target;
    const mod = e.ctrlKey || e.metaKey || e.altKey;
    if (!$('queue-view').hidden) {
      if (isTyping(t) || mod) return;
      const k = e.key;
      if (k === 'j' || k === 'ArrowDown') { e.preventDefault(); select(state.selected + 1); }
      else if (k === 'k' || k === 'ArrowUp') { e.preventDefault(); select(state.selected - 1); }
      else if (k === 'Enter') {
        // A focused row link opens its own row (select() follows the focus).
        e.preventDefault();
        openFromQueue(state.selected);
      }
      else if (k === 'Home') { e.preventDefault(); select(0); }
      else if (k === 'End') { e.preventDefault(); select(1e9); }
      else if (k >= '1' && k <= '4') { setFilter('status', ['open', 'approved', 'rejected', 'all'][Number(k) - 1]); }
      else if (k === '?') { e.preventDefault(); $('help-dialog').showModal(); }
      return;
    }
    if ($('page-view').hidden) return;
    if (e.key === 'Tab' && !mod) {
      // Tab walks the doubtful words when the operator is working on the page (image, text or
      // nothing focused); in the toolbar and the structure fields it moves the focus as usual.
      const inWork = t === document.body || t.closest('#image-pane') || t.closest('#lines') || t.closest('#reasons');
      if (inWork) { e.preventDefault(); jumpDoubtful(e.shiftKey ? -1 : 1); }
      return;
    }
    if (isTyping(t) || mod) return;
    const k = e.key;
    const actions = {
      a: () => decide('approved'), A: () => decide('approved'),
      r: askReject, R: askReject,
      n: () => move(1), N: () => move(1), p: () => move(-1), P: () => move(-1),
      '+': () => zoomStep(1), '=': () => zoomStep(1), '-': () => zoomStep(-1), '0': () => setZoom(1),
      t: () => showPanel('text'), s: () => showPanel('structure'), h: () => showPanel('history'),
      b: () => toggleBoxes(), '?': () => $('help-dialog').showModal(),
      Escape: () => { if (state.editing) closeEditor(true); else location.hash = queueHash(); },
    };
    const fn = actions[k];
    if (fn) { e.preventDefault(); fn(); }
  }

  function toggleBoxes() {
    state.showAll = !state.showAll;
    $('image-pane').classList.toggle('show-all', state.showAll);
    $('show-all-boxes').checked = state.showAll;
  }

  function onEditorKey(e) {
    if (e.key === 'Enter') { e.preventDefault(); e.stopPropagation(); saveEdit(); }
    else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeEditor(true); }
    else if (e.key === 'Tab') { e.preventDefault(); e.stopPropagation(); jumpDoubtful(e.shiftKey ? -1 : 1); }
    else if ((e.key === 'l' || e.key === 'L') && (e.ctrlKey || e.metaKey)) { e.preventDefault(); e.stopPropagation(); editWholeLine(); }
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    window.addEventListener('hashchange', route);
    document.addEventListener('keydown', onKey);
    window.addEventListener('resize', () => { if (state.editing) positionEditor(); });

    for (const b of document.querySelectorAll('#status-filter button')) {
      b.addEventListener('click', () => setFilter('status', b.dataset.status));
    }
    // The server's Content-Security-Policy forbids inline handlers: stop implicit submits here.
    for (const f of [$('queue-filters'), $('editor')]) f.addEventListener('submit', (e) => e.preventDefault());
    $('issue-filter').addEventListener('change', (e) => setFilter('issue', e.target.value));
    $('reason-filter').addEventListener('change', (e) => setFilter('reason', e.target.value));

    $('back-button').addEventListener('click', () => { location.hash = queueHash(); });
    $('prev-button').addEventListener('click', () => move(-1));
    $('next-button').addEventListener('click', () => move(1));
    $('zoom-in').addEventListener('click', () => zoomStep(1));
    $('zoom-out').addEventListener('click', () => zoomStep(-1));
    $('zoom-fit').addEventListener('click', () => setZoom(1));
    $('approve-button').addEventListener('click', () => decide('approved'));
    $('reject-button').addEventListener('click', askReject);
    $('reopen-button').addEventListener('click', () => decide('open'));
    $('show-all-boxes').addEventListener('change', toggleBoxes);
    for (const n of ['text', 'structure', 'history']) $(`tab-${n}`).addEventListener('click', () => showPanel(n));

    $('overlay').addEventListener('click', (e) => {
      const box = e.target.closest('.box');
      if (box) editTarget(box.dataset.id);
    });
    $('lines').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-id]');
      if (b) editTarget(b.dataset.id);
    });
    $('image-pane').addEventListener('wheel', (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      zoomStep(e.deltaY < 0 ? 1 : -1);
    }, {passive: false});

    $('editor-input').addEventListener('input', onEditorInput);
    $('editor-input').addEventListener('keydown', onEditorKey);
    $('editor-save').addEventListener('click', () => saveEdit());
    $('editor-cancel').addEventListener('click', () => closeEditor(true));
    $('editor-close').addEventListener('click', () => closeEditor(true));
    $('editor-line').addEventListener('click', editWholeLine);

    $('reviewer-button').addEventListener('click', () => askReviewer());
    $('reviewer-form').addEventListener('submit', () => {
      setReviewer($('reviewer-input').value);
      if (!state.reviewer) setTimeout(() => askReviewer(), 0);
    });
    $('reviewer-dialog').addEventListener('cancel', (e) => { if (!state.reviewer) e.preventDefault(); });

    $('reject-form').addEventListener('submit', (e) => {
      if (e.submitter && e.submitter.value === 'reject') decide('rejected', $('reject-comment').value.trim());
    });
    $('reject-cancel').addEventListener('click', () => $('reject-dialog').close());
    $('reject-comment').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        if (!$('reject-comment').value.trim()) { $('reject-comment').reportValidity(); return; }
        $('reject-dialog').close();
        decide('rejected', $('reject-comment').value.trim());
      }
    });
    $('help-button').addEventListener('click', () => $('help-dialog').showModal());
    $('help-close').addEventListener('click', () => $('help-dialog').close());
  }

  async function start() {
    wire();
    $('reviewer-name').textContent = state.reviewer || '?';
    let status = null;
    try { status = await api('/status'); } catch (e) { notice(e.message); }
    if (status) {
      $('archive-name').textContent = status.archive || '';
      $('archive-name').title = `archive ${status.archive || ''} · qikan ${status.version || ''}`;
    }
    if (status && status.named_by_token) {
      // --users: the server knows who holds this token; the name is not the browser's to choose.
      state.reviewer = status.reviewer;
      $('reviewer-name').textContent = status.reviewer;
      $('reviewer-button').disabled = true;
      $('reviewer-button').title = 'Your name comes with your token.';
    } else if (!state.reviewer) askReviewer(status && status.reviewer);
    await route();
  }

  start();
})();
