// End-to-end test of `qikan review` in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core; no browser download). It OCRs a real sample into a fresh archive, starts the
// review server on a free port and works through the page as an operator would: queue, keyboard,
// a word corrected on the image, a reload with an unsaved edit, the page approved, a second
// reviewer with a stale version who must see the conflict, a structure field corrected. Then it
// checks through the API and on disk that the record, the text, the search index and the queue
// changed. Any failed step exits non-zero.
//
//   node review_e2e.mjs --qikan BUILD/pipeline/qikan --sample samples/seed-2025-05-degraded-200.pdf
//        [--archive DIR]      reuse an archive made by `qikan run` (it is modified) instead of OCRing
//        [--screenshots DIR]  where review-screenshot.png and review-queue.png go (default: the temp dir)
//        [--chromium PATH]    default /usr/bin/chromium
//        [--keep]             keep the temp dir
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const FIX = '审校试验字';      // the correction typed on the image: 5 characters, searchable by trigram
const FIX_B = '乙审改';        // the second reviewer's correction after the conflict
const TITLE_MARK = '（审定）';  // appended to an article title in the structure panel
const REVIEWER = 'E2E Reviewer';
const REVIEWER_B = '第二审校';  // non-ASCII: travels percent-encoded in X-Qikan-Reviewer
const REJECT_NOTE = '页面倒置，需重扫 (e2e)';

let tmp = null;
let server = null;
const browsers = [];
const pageErrors = [];
let checks = 0;

function parseArgs(argv) {
  const out = {chromium: '/usr/bin/chromium'};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') out.keep = true;
    else if (a.startsWith('--')) out[a.slice(2)] = argv[++i];
  }
  return out;
}

function ok(what) {
  checks++;
  console.log(`ok ${checks} - ${what}`);
}

function check(cond, what, detail = '') {
  if (!cond) throw new Error(`${what}${detail ? `: ${detail}` : ''}`);
  ok(what);
}

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch {
    throw new Error(`playwright-core is not installed in ${here}; run scripts/install-browser-test`);
  }
}

// ------------------------------------------------------------------ archive and server

function makeArchive() {
  if (args.archive) return path.resolve(args.archive);
  const archive = path.join(tmp, 'archive');
  const t0 = Date.now();
  const r = spawnSync(args.qikan, ['run', args.sample, '--archive', archive, '--jobs', '2'], {encoding: 'utf8'});
  if (r.status !== 0) {
    const how = r.status === null ? `was killed by ${r.signal}` : `exited ${r.status}`;
    throw new Error(`qikan run ${how}: ${(r.stderr || '').slice(-2000)}`);
  }
  ok(`qikan run ${path.basename(args.sample)} made an archive in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return archive;
}

function startServer(archive) {
  return new Promise((resolve, reject) => {
    server = spawn(args.qikan, ['review', '--archive', archive, '--port', '0'], {stdio: ['ignore', 'pipe', 'pipe']});
    let stderr = '';
    server.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => reject(new Error(`qikan review printed no URL in 30 s; stderr: ${stderr.slice(-1500)}`)), 30000);
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`qikan review exited ${code}: ${stderr.slice(-1500)}`)); });
    const rl = readline.createInterface({input: server.stdout});
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = line.match(/https?:\/\/\S+?\//);
      if (!m) reject(new Error(`first stdout line of qikan review has no URL: ${line}`));
      else resolve(m[0]);
    });
  });
}

async function api(base, p, opts = {}) {
  const res = await fetch(new URL(`/api/v1${p}`, base), {
    method: opts.method || 'GET',
    headers: {'Content-Type': 'application/json', 'X-Qikan-Reviewer': 'e2e-api'},
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { /* not JSON */ }
  if (!res.ok && !opts.allowError) throw new Error(`GET ${p} answered ${res.status}: ${text.slice(0, 300)}`);
  return opts.allowError ? {status: res.status, data} : data;
}

// ------------------------------------------------------------------ browser

async function launch(chromium, name) {
  const dir = fs.mkdtempSync(path.join(tmp, `chromium-${name}-`));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: args.chromium,
    headless: true,
    viewport: {width: 1440, height: 900},
    deviceScaleFactor: 1,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  browsers.push(context);
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(30000);  // generous: ctest may run this beside OCR tests on few cores
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(`${name} console: ${m.text()}`); });
  return page;
}

async function signIn(page, url, name) {
  await page.goto(url);
  const dialog = page.locator('#reviewer-dialog');
  await dialog.waitFor({state: 'visible'});
  await page.fill('#reviewer-input', name);
  await page.click('#reviewer-form button.primary');
  await dialog.waitFor({state: 'hidden'});
  const shown = await page.textContent('#reviewer-name');
  check(shown === name, `${name}: asked for the reviewer name once, shows it in the top bar`, shown);
}

// Waits for the page view of (issue, page) with its word boxes drawn.
async function waitPageView(page, issue, n, words) {
  await page.waitForFunction(([issue, n, words]) => {
    const title = document.getElementById('page-title').textContent;
    const key = document.getElementById('page-issue').title;  // the key is in the tooltip only
    return !document.getElementById('page-view').hidden && key.endsWith(issue) && title.startsWith(`Page ${n} of `) &&
      document.querySelectorAll('#overlay .box').length === words && document.getElementById('page-image').complete;
  }, [issue, n, words]);
}

function responseOf(page, pathPart, method = 'POST') {
  return page.waitForResponse((r) => r.url().includes(pathPart) && r.request().method() === method);
}

// ------------------------------------------------------------------ the test

function normalize(s) { return (s || '').replace(/\s+/g, ''); }

// The word to correct: on a queued page, in a line that the parser put in an article's body (so
// the search index sees the change), preferring the least confident.
function pickTarget(items, pages, record) {
  const bodies = record.articles.map((a) => normalize((a.paragraphs || []).join('')));
  for (const it of items) {
    if (it.page < 1) continue;
    const p = pages.get(`${it.issue_key}/${it.page}`);
    const candidates = [];
    for (const line of p.lines) {
      const lt = normalize(line.text);
      if (lt.length < 6 || !bodies.some((b) => b.includes(lt))) continue;
      line.words.forEach((w, i) => {
        if (normalize(w.text).length >= 1 && !w.corrected) candidates.push({w, line, i});
      });
    }
    if (candidates.length) {
      candidates.sort((a, b) => a.w.confidence - b.w.confidence);
      return {item: it, page: p, ...candidates[0]};
    }
  }
  return null;
}

async function main() {
  if (!args.qikan || (!args.sample && !args.archive)) throw new Error('usage: review_e2e.mjs --qikan BIN --sample PDF [--archive DIR] [--screenshots DIR]');
  if (!fs.existsSync(args.chromium)) throw new Error(`${args.chromium} not found; run scripts/install-browser-test`);
  const {chromium} = await loadPlaywright();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qikan-review-e2e-'));
  const shots = path.resolve(args.screenshots || tmp);
  fs.mkdirSync(shots, {recursive: true});

  const archive = makeArchive();
  const base = await startServer(archive);
  ok(`qikan review listens at ${base}`);

  // What the server says before the browser touches anything.
  const queue0 = await api(base, '/queue?status=open&limit=1000');
  const pageItems = queue0.items.filter((it) => it.page > 0);
  check(pageItems.length > 0, 'the queue lists flagged pages', `${queue0.items.length} open items`);
  check(queue0.items.every((it, i, a) => i === 0 || it.status !== 'open' || a[i - 1].status === 'open'), 'open items come first');
  const pages = new Map();
  for (const it of pageItems) pages.set(`${it.issue_key}/${it.page}`, await api(base, `/issues/${encodeURIComponent(it.issue_key)}/pages/${it.page}`));
  const issueKey = pageItems[0].issue_key;
  const recordPath = path.join(archive, 'issues', issueKey, 'record.json');
  const record0 = JSON.parse(fs.readFileSync(recordPath, 'utf8'));
  const target = pickTarget(pageItems.filter((it) => it.issue_key === issueKey), pages, record0);
  if (!target) throw new Error('no queued page has a word inside an article body to correct');
  const {item, w: word} = target;
  const pageUrl = `${base}#/issues/${encodeURIComponent(item.issue_key)}/pages/${item.page}`;
  const nWords = target.page.lines.reduce((n, l) => n + l.words.length, 0);
  console.log(`# target: ${item.issue_key} page ${item.page} (${item.reasons.join(', ')}), word ${word.id} “${word.text}” confidence ${word.confidence.toFixed(1)} → “${FIX}”`);
  const search0 = await api(base, `/search?q=${encodeURIComponent(FIX)}`);
  check(search0.hits.length === 0, `before: searching “${FIX}” finds nothing`);

  // ---- operator A: the queue
  const a = await launch(chromium, 'A');
  await signIn(a, base, REVIEWER);
  await a.waitForSelector('#queue-body tr');
  const rows = await a.locator('#queue-body tr').count();
  check(rows === queue0.items.length, `queue view lists the ${queue0.items.length} open items`, `${rows} rows`);
  const firstRow = await a.locator('#queue-body tr').first().innerText();
  check(firstRow.includes(queue0.items[0].reasons[0]), 'first row is the worst page, with its reason', firstRow.replace(/\s+/g, ' '));
  // The issue as people name it: title, 第N期（总第M期）, date; the file key only in a tooltip.
  const it0 = queue0.items[0];
  check(it0.title && firstRow.includes(it0.title) && firstRow.includes(`第${it0.issue_number}期`) && firstRow.includes(it0.issue_date) &&
    (it0.cumulative_number == null || firstRow.includes(`（总第${it0.cumulative_number}期）`)) && !firstRow.includes(it0.issue_key),
  'the queue row names the issue by title, 第N期 and date, not by its key', firstRow.replace(/\s+/g, ' '));
  const confWords = await a.$$eval('#queue-body .conf-word', (els) => els.map((e) => e.className + ' ' + e.textContent));
  check(confWords.length === rows && confWords.every((c) => /(ok good|mid check|low doubtful)$/.test(c)), 'each row says good / check / doubtful beside its confidence', confWords.slice(0, 3).join('; '));
  const countsText = await a.textContent('#status-filter [data-count=open]');
  check(Number(countsText) === queue0.counts.open, `status filter shows ${queue0.counts.open} open`);
  const wantIndex = queue0.items.findIndex((it) => it.issue_key === item.issue_key && it.page === item.page);
  for (let i = 0; i < wantIndex; i++) await a.keyboard.press('j');
  const selected = await a.locator('#queue-body tr.selected').getAttribute('data-index');
  check(Number(selected) === wantIndex, `j moves the selection to row ${wantIndex + 1}`);
  if (wantIndex > 0) {
    await a.keyboard.press('k');
    await a.keyboard.press('ArrowDown');
    check(Number(await a.locator('#queue-body tr.selected').getAttribute('data-index')) === wantIndex, 'k and ↓ move it back and forth');
  }

  // Operator B opens the same page now, so B's version goes stale when A saves.
  const b = await launch(chromium, 'B');
  await signIn(b, pageUrl, REVIEWER_B);
  await waitPageView(b, item.issue_key, item.page, nWords);

  await a.keyboard.press('Enter');
  await waitPageView(a, item.issue_key, item.page, nWords);
  check(true, `Enter opens ${item.issue_key} page ${item.page} with ${nWords} word boxes on the image`);

  // ---- the page view: boxes scaled onto the displayed image, coloured by confidence
  const geo = await a.evaluate((id) => {
    const img = document.getElementById('page-image').getBoundingClientRect();
    const box = document.querySelector(`#overlay .box[data-id="${id}"]`).getBoundingClientRect();
    return {imgX: img.x, imgY: img.y, imgW: img.width, x: box.x, y: box.y, w: box.width, h: box.height};
  }, word.id);
  const s = geo.imgW / target.page.width;
  const off = Math.max(Math.abs(geo.x - (geo.imgX + word.box.x * s)), Math.abs(geo.y - (geo.imgY + word.box.y * s)),
    Math.abs(geo.w - word.box.width * s), Math.abs(geo.h - word.box.height * s));
  check(off < 1.5, `the word's box sits on the image at displayed/page scale ${s.toFixed(3)}`, `off by ${off.toFixed(2)} px`);
  const colours = await a.evaluate(() => ({
    low: document.querySelectorAll('#overlay .box.low').length, mid: document.querySelectorAll('#overlay .box.mid').length,
    lowText: document.querySelectorAll('#lines .word.low').length}));
  const wantLow = target.page.lines.flatMap((l) => l.words).filter((x) => !x.corrected && x.confidence < 60).length;
  check(colours.low === wantLow && colours.lowText === wantLow, `${wantLow} words under 60 are red on the image and in the text (${colours.mid} orange)`);
  const reasonsText = await a.textContent('#reasons');
  check(item.reasons.every((r) => reasonsText.includes(r)), 'the review reasons are shown', item.reasons.join(', '));

  // Tab visits the doubtful words in reading order.
  const doubtful = target.page.lines.flatMap((l) => l.words).filter((x) => !x.corrected && x.confidence < 80);
  if (doubtful.length >= 2) {
    await a.evaluate(() => document.activeElement && document.activeElement.blur());
    await a.keyboard.press('Tab');
    await a.waitForSelector('#editor:not([hidden])');
    const v1 = await a.inputValue('#editor-input');
    await a.keyboard.press('Tab');
    const v2 = await a.inputValue('#editor-input');
    await a.keyboard.press('Shift+Tab');
    const v3 = await a.inputValue('#editor-input');
    check(v1 === doubtful[0].text && v2 === doubtful[1].text && v3 === doubtful[0].text,
      'Tab / Shift+Tab walk the doubtful words', `${v1} ${v2} ${v3}`);
    await a.keyboard.press('Escape');
    await a.waitForSelector('#editor', {state: 'hidden'});
  }

  // ---- click the word on the image, type, reload before saving: the draft must survive
  await a.click(`#overlay .box[data-id="${word.id}"]`);
  await a.waitForSelector('#editor:not([hidden])');
  check(await a.inputValue('#editor-input') === word.text, `clicking the box opens the editor on “${word.text}”`);
  await a.fill('#editor-input', '');
  await a.type('#editor-input', FIX);
  await a.reload();
  await waitPageView(a, item.issue_key, item.page, nWords);
  await a.waitForSelector('#editor:not([hidden])');
  check(await a.inputValue('#editor-input') === FIX, 'an unsaved edit survives a reload (restored in the editor)');
  await a.screenshot({path: path.join(shots, 'review-screenshot.png')});

  const saved = responseOf(a, '/corrections');
  await a.press('#editor-input', 'Enter');
  const saveRes = await saved;
  check(saveRes.status() === 200, 'Enter saves the correction (POST corrections 200)', String(saveRes.status()));
  await a.waitForSelector('#editor', {state: 'hidden'});
  const wordAfter = await a.locator(`#lines .word[data-id="${word.id}"]`);
  check(await wordAfter.textContent() === FIX && await wordAfter.evaluate((e) => e.classList.contains('fixed')),
    'the text beside the image shows the correction, marked as corrected');
  check(await a.locator(`#overlay .box.fixed[data-id="${word.id}"]`).count() === 1, 'its box on the image turns green');
  // The same text again is no correction: refused with a message, nothing recorded.
  await a.click(`#lines .word[data-id="${word.id}"]`);
  await a.waitForSelector('#editor:not([hidden])');
  await a.fill('#editor-input', FIX);
  await a.press('#editor-input', 'Enter');
  await a.waitForSelector('#editor-error:not([hidden])');
  check(/nothing to save/.test(await a.textContent('#editor-error')), 'a no-op correction in the editor is refused with a message', await a.textContent('#editor-error'));
  await a.keyboard.press('Escape');
  await a.waitForSelector('#editor', {state: 'hidden'});
  const pNow = await api(base, `/issues/${encodeURIComponent(item.issue_key)}/pages/${item.page}`);
  const noop = await api(base, `/issues/${encodeURIComponent(item.issue_key)}/pages/${item.page}/corrections`,
    {method: 'POST', body: {version: pNow.version, target: word.id, after: FIX}, allowError: true});
  check(noop.status === 400 && /nothing was changed/.test(noop.data.error), 'API: the same no-op correction is refused (400)', `${noop.status} ${noop.data && noop.data.error}`);
  check((await api(base, `/issues/${encodeURIComponent(item.issue_key)}/pages/${item.page}`)).history.length === pNow.history.length, 'and nothing was recorded');
  await a.keyboard.press('h');
  const hist = await a.textContent('#panel-history');
  check(hist.includes(FIX) && hist.includes(word.text) && hist.includes(REVIEWER), 'the history panel shows before, after and who');
  await a.keyboard.press('t');

  // ---- approve with A
  const pageBefore = await api(base, `/issues/${encodeURIComponent(item.issue_key)}/pages/${item.page}`);
  const decided = responseOf(a, '/decision');
  await a.keyboard.press('a');
  const decRes = await decided;
  check(decRes.status() === 200, 'A approves the page (POST decision 200)', String(decRes.status()));
  const nextItem = queue0.items[wantIndex + 1];
  let rejected = 0;
  if (nextItem) {
    await a.waitForFunction((h) => location.hash === h, `#/issues/${encodeURIComponent(nextItem.issue_key)}/pages/${nextItem.page}`);
    ok(`after approving, the next page in the queue opens (${nextItem.issue_key} page ${nextItem.page})`);
  }
  // ---- reject that one with a comment (R, type, Ctrl+Enter)
  if (nextItem && nextItem.page > 0) {
    const np = pages.get(`${nextItem.issue_key}/${nextItem.page}`);
    await waitPageView(a, nextItem.issue_key, nextItem.page, np.lines.reduce((n, l) => n + l.words.length, 0));
    await a.keyboard.press('r');
    await a.waitForSelector('#reject-dialog[open]');
    await a.fill('#reject-comment', REJECT_NOTE);
    const rej = responseOf(a, '/decision');
    await a.press('#reject-comment', 'Control+Enter');
    check((await rej).status() === 200, `R rejects page ${nextItem.page} with a comment (POST decision 200)`);
    const nAfter = await api(base, `/issues/${encodeURIComponent(nextItem.issue_key)}/pages/${nextItem.page}`);
    check(nAfter.status === 'rejected' && nAfter.comment === REJECT_NOTE, 'API: that page is rejected with the comment', `${nAfter.status} ${nAfter.comment}`);
    rejected = 1;
  }

  // ---- B, with the version from before A's save, edits another word: conflict
  const other = target.page.lines.flatMap((l) => l.words).find((x) => x.id !== word.id && x.confidence < 80) ||
    target.page.lines.flatMap((l) => l.words).find((x) => x.id !== word.id);
  await b.click(`#lines .word[data-id="${other.id}"]`);  // this time from the text beside the scan
  await b.waitForSelector('#editor:not([hidden])');
  await b.fill('#editor-input', FIX_B);
  const conflict = responseOf(b, '/corrections');
  await b.press('#editor-input', 'Enter');
  const conflictRes = await conflict;
  check(conflictRes.status() === 409, 'B saving with a stale version gets 409', String(conflictRes.status()));
  const serverMsg = (await conflictRes.json()).error;
  await b.waitForSelector('#editor-error:not([hidden])');
  const shownMsg = await b.textContent('#editor-error');
  check(shownMsg.includes(serverMsg), 'B sees the server\'s conflict message in the editor', shownMsg);
  check(!shownMsg.includes(item.issue_key) && !/\bb\d+\.l\d+/.test(shownMsg) && !/\d{4}-\d\d-\d\dT\d\d:/.test(shownMsg) &&
    /[.。] Your text is kept/.test(shownMsg) && shownMsg.includes(item.issue_label),
  'the 409 message names the issue as people do, in local time, with no raw id or ISO time, in whole sentences', shownMsg);
  check(await b.isVisible('#notice') && (await b.textContent('#notice')).includes(serverMsg), 'and in the notice bar');
  check(await b.inputValue('#editor-input') === FIX_B, 'what B typed is still in the edit box');
  await b.waitForFunction(([id, fix]) => document.querySelector(`#lines .word[data-id="${id}"]`)?.textContent === fix, [word.id, FIX]);
  check((await b.textContent('#page-status')).trim() === 'approved', 'B\'s page was reloaded: A\'s correction and approval are visible');
  const retry = responseOf(b, '/corrections');
  await b.press('#editor-input', 'Enter');
  check((await retry).status() === 200, 'B saves again on the reloaded version (200)');

  // ---- a structure field, in A (back on the corrected page)
  await a.goto(pageUrl);
  await waitPageView(a, item.issue_key, item.page, nWords);
  await a.keyboard.press('s');
  const struct0 = await api(base, `/issues/${encodeURIComponent(item.issue_key)}/structure`);
  // An article the TOC lists (the title is corrected in both), on this page if one is.
  const listed = struct0.articles.filter((x) => struct0.toc.some((t) => t.title && normalize(t.title) === normalize(x.title)));
  const art = listed.find((x) => x.start_page <= item.page && item.page <= (x.end_page || x.start_page)) || listed[0];
  check(!!art, 'the issue has an article its TOC lists', `${struct0.articles.length} articles, ${struct0.toc.length} TOC entries`);
  let newTitle = null;
  if (art) {
    const fieldPath = `articles[${art.index}].title`;
    newTitle = art.title + TITLE_MARK;
    await a.click(`#panel-structure .st-value[data-field="${fieldPath}"]`);
    await a.fill('#panel-structure .st-input', newTitle);
    const st = responseOf(a, '/structure/corrections');
    await a.press('#panel-structure .st-input', 'Enter');
    const stRes = await st;
    check(stRes.status() === 200, `structure: ${fieldPath} corrected in the panel (200)`, String(stRes.status()));
    await a.waitForSelector(`#panel-structure .st-value.reviewed[data-field="${fieldPath}"]`);
    ok('the corrected title is marked as set by a reviewer');
    const tocNow = await a.$$eval('#panel-structure .toc .st-value', (els) => els.map((e) => e.textContent));
    check(tocNow.some((t) => t.includes(newTitle)), 'the TOC entry in the structure panel reads the corrected title too');
    const toastText = await a.textContent('#toast');
    check(!/articles\[|toc\[/.test(toastText) && /标题 title of article/.test(toastText), 'the saved message names the field in plain words', toastText);
    await a.waitForSelector('#panel-structure .toc .st-value.reviewed');
    ok('the TOC entry carries the reviewer tag too');
    // The screenshot shows the TOC entry and, below it, the articles.
    await a.evaluate(() => document.querySelector('#panel-structure .toc .st-value.reviewed').scrollIntoView({block: 'center'}));
    await a.waitForSelector('#toast', {state: 'hidden', timeout: 10000});
    await a.screenshot({path: path.join(shots, 'review-structure.png')});
  }

  // ---- what changed on the server and on disk
  const pageAfter = await api(base, `/issues/${encodeURIComponent(item.issue_key)}/pages/${item.page}`);
  const wAfter = pageAfter.lines.flatMap((l) => l.words).find((x) => x.id === word.id);
  check(wAfter.text === FIX && wAfter.corrected && wAfter.original === word.text, 'API: the word reads the correction, with the OCR original kept');
  check(pageAfter.status === 'approved' && pageAfter.version > pageBefore.version, `API: page approved, version ${pageBefore.version} → ${pageAfter.version}`);
  check(pageAfter.history.some((e) => e.after === FIX && e.reviewer === REVIEWER) && pageAfter.history.some((e) => e.reviewer === REVIEWER_B),
    'API: history names both reviewers (the non-ASCII name decoded)', JSON.stringify(pageAfter.history.map((e) => e.reviewer)));
  const search1 = await api(base, `/search?q=${encodeURIComponent(FIX)}`);
  check(search1.hits.length >= 1 && search1.hits.every((x) => x.issue_key === item.issue_key), `API: search “${FIX}” now finds ${search1.hits.length} hit(s) in ${item.issue_key}`,
    JSON.stringify(search1.hits).slice(0, 300));
  console.log(`# search snippet: ${search1.hits[0].snippet}`);
  const record1 = JSON.parse(fs.readFileSync(recordPath, 'utf8'));
  check(record1.articles.some((x) => (x.paragraphs || []).join('').includes(FIX)), 'record.json: an article body carries the correction');
  check(record1.corrections.some((c) => c.after && String(c.after).includes(FIX) && /^reviewer:/.test(c.source)),
    'record.json: the correction is listed with source reviewer:NAME',
    JSON.stringify(record1.corrections.filter((c) => /^reviewer/.test(c.source || ''))).slice(0, 300));
  if (newTitle) {
    check(record1.articles.some((x) => x.title === newTitle), 'record.json: the article title from the structure panel');
  }
  // Decisions in the record and in `qikan show`; the corrected title in show's TOC.
  const decisions = record1.decisions || [];
  check(decisions.some((d) => d.page === item.page && d.decision === 'approved' && d.reviewer === REVIEWER && d.at) &&
    (!rejected || decisions.some((d) => d.decision === 'rejected' && d.reviewer === REVIEWER && d.comment === REJECT_NOTE)),
  'record.json: the decisions with reviewer, time and comment', JSON.stringify(decisions));
  const shown = spawnSync(args.qikan, ['show', issueKey, '--archive', archive], {encoding: 'utf8'});
  check(shown.status === 0, 'qikan show runs', shown.stderr);
  check(new RegExp(`p${item.page}\\s+approved by ${REVIEWER}, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`).test(shown.stdout) && (!rejected || shown.stdout.includes(`rejected by ${REVIEWER}`)) &&
    !/status open/.test(shown.stdout), 'qikan show: the approval and the rejection, by whom and when', shown.stdout.split('\n').filter((l) => /approved|rejected|Review/.test(l)).join(' | '));
  if (newTitle) {
    const toc = shown.stdout.split('\nArticles')[0].split('\nTOC')[1] || '';
    check(toc.includes(newTitle), 'qikan show: the TOC carries the title corrected in the structure panel', toc.slice(0, 400));
    const c = record1.corrections.find((x) => /^reviewer:/.test(x.source) && String(x.after) === newTitle);
    check(c && Array.isArray(c.also) && c.also.length === 1 && /^toc\[\d+\]\.title$/.test(c.also[0]),
      'record.json: one correction entry names the article title and its TOC entry', JSON.stringify(c));
  }
  const text1 = fs.readFileSync(path.join(archive, 'issues', issueKey, 'text.txt'), 'utf8');
  check(text1.includes(FIX), 'text.txt carries the correction');
  check(JSON.parse(fs.readFileSync(path.join(archive, 'issues', issueKey, 'pages', `${String(item.page).padStart(4, '0')}.json`), 'utf8'))
    .blocks.flatMap((bl) => bl.lines).flatMap((l) => l.words).some((x) => x.text === word.text && x.box.x === word.box.x),
  'pages/NNNN.json (the OCR) is untouched');

  const queue1 = await api(base, '/queue?status=open&limit=1000');
  check(queue1.counts.open === queue0.counts.open - 1 - rejected && queue1.counts.approved === queue0.counts.approved + 1 &&
    queue1.counts.rejected === queue0.counts.rejected + rejected,
  `queue counts moved: open ${queue0.counts.open} → ${queue1.counts.open}, approved ${queue0.counts.approved} → ${queue1.counts.approved}, rejected ${queue0.counts.rejected} → ${queue1.counts.rejected}`);

  // ---- and in the queue view
  await a.keyboard.press('Escape');
  await a.waitForSelector('#queue-view:not([hidden])');
  await a.waitForFunction((n) => document.querySelector('#status-filter [data-count=open]').textContent === String(n), queue1.counts.open);
  check(await a.locator('#queue-body tr').count() === queue1.items.length, `queue view now lists ${queue1.items.length} open items`);
  await a.keyboard.press('4');
  await a.waitForFunction(() => document.querySelector('#status-filter [data-status=all]').getAttribute('aria-checked') === 'true');
  await a.waitForSelector('#queue-body tr.selected');
  const row = a.locator('#queue-body tr', {hasText: item.issue_label}).filter({has: a.locator('td.page-cell', {hasText: new RegExp(`^${item.page}$`)})});
  const rowText = (await row.innerText()).replace(/\s+/g, ' ');
  check(/approved/i.test(rowText) && /\b2\b/.test(await row.locator('td').last().innerText()), 'the "all" filter shows the page approved with 2 corrections', rowText);

  await a.waitForSelector('#toast', {state: 'hidden', timeout: 10000});
  await a.screenshot({path: path.join(shots, 'review-queue.png')});

  // ---- help overlay
  await a.keyboard.press('?');
  check(await a.isVisible('#help-dialog'), 'the ? key opens the shortcuts overlay');
  await a.keyboard.press('Escape');

  check(pageErrors.length === 0, 'no JavaScript error in either browser', pageErrors.join('; '));
  if (args.screenshots) console.log(`# screenshots: ${['review-screenshot.png', 'review-queue.png', 'review-structure.png'].map((f) => path.join(shots, f)).join(', ')}`);
  console.log(`PASS: ${checks} checks`);
}

async function cleanup() {
  for (const c of browsers) await c.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { server.kill('SIGKILL'); r(); }, 5000); server.once('exit', () => { clearTimeout(t); r(); }); });
  }
  if (tmp && !args.keep) fs.rmSync(tmp, {recursive: true, force: true});
  else if (tmp) console.log(`# kept ${tmp}`);
}

try {
  await main();
  await cleanup();
  process.exit(0);
} catch (e) {
  console.log(`FAIL: ${e.message}`);
  if (pageErrors.length) console.log(`# browser errors: ${pageErrors.join('; ')}`);
  await cleanup();
  process.exit(1);
}
