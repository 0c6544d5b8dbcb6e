/**
 * Nhật ký kiểm tra (inspectors and administrators): the audit entries with filters, one
 * dossier's full trail, the signed checkpoints, the read-access records and the downloads
 * (JSONL for the offline verifier, CSV for spreadsheets, the public key, the latest checkpoint).
 * Verification has its own page (audit-verify.tsx). Everything goes through the audit service.
 */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AuditService } from '../../service/audit-service.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateTimeVn, numberVn } from '../format.js';
import { requireSession } from '../guard.js';
import { Layout } from '../layout.js';
import { roleLabel, SYSTEM_EVENT_LABELS } from '../labels.js';
import { registerAuditVerifyRoutes } from './audit-verify.js';

const TABS = [
  { href: '/nhat-ky', label: 'Nhật ký' },
  { href: '/nhat-ky/kiem-tra', label: 'Kiểm tra toàn vẹn' },
  { href: '/nhat-ky/diem-kiem-soat', label: 'Điểm kiểm soát' },
  { href: '/nhat-ky/truy-cap', label: 'Truy cập hồ sơ' },
] as const;

/** The frame of every audit page: title, tabs, and the downloads. */
export const AuditFrame = (p: { c: Context<WebEnv>; title: string; tab: string; children?: Child }) => (
  <Layout title={p.title} session={p.c.get('session')} active="audit">
    <h1>{p.title}</h1>
    <nav class="actions" aria-label="Nhật ký kiểm tra">
      {TABS.map((t) => (
        <a class={t.href === p.tab ? 'button' : 'button secondary'} href={t.href} aria-current={t.href === p.tab ? 'page' : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
    {p.children}
    <section class="card" aria-labelledby="h-downloads">
      <h2 id="h-downloads">Tải xuống để kiểm tra độc lập</h2>
      <ul>
        <li>
          <a href="/nhat-ky/tai-xuong?format=jsonl">Toàn bộ nhật ký (JSON Lines)</a>: dùng với lệnh <code>motcua audit verify</code>.
        </li>
        <li>
          <a href="/nhat-ky/tai-xuong?format=csv">Toàn bộ nhật ký (CSV)</a> để mở bằng bảng tính.
        </li>
        <li>
          <a href="/nhat-ky/khoa-cong-khai.pem">Khóa công khai</a> và <a href="/nhat-ky/diem-kiem-soat-moi-nhat.txt">điểm kiểm soát mới nhất</a>: lưu giữ bên ngoài hệ thống.
        </li>
      </ul>
    </section>
  </Layout>
);

/** The audit service, or a 503 page saying it is not running here. */
export function auditOr(c: Context<WebEnv>, deps: WebDeps): AuditService | Response | Promise<Response> {
  requireSession(c);
  if (deps.audit) return deps.audit;
  return c.html(
    <AuditFrame c={c} title="Nhật ký kiểm tra" tab="">
      <div class="alert error" role="alert">
        Máy chủ này chưa bật dịch vụ nhật ký kiểm tra.
      </div>
    </AuditFrame>,
    503,
  );
}

/** `YYYY-MM-DD` (a local day) → the instant it starts in Vietnam, shifted by `days`. */
function dayStart(day: string, days = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const at = new Date(`${day}T00:00:00+07:00`);
  if (Number.isNaN(at.getTime())) return undefined;
  return new Date(at.getTime() + days * 86_400_000).toISOString();
}

function stateText(s: unknown): string {
  if (s === null || s === undefined) return '';
  return Array.isArray(s) ? s.join(' · ') : String(s);
}

function positive(v: string | undefined): number | undefined {
  const n = Number(v);
  return v && Number.isInteger(n) && n > 0 ? n : undefined;
}

const Filter = (p: { id: string; label: string; value: string; type?: string }) => (
  <div class="field">
    <label for={p.id}>{p.label}</label>
    <input id={p.id} name={p.id} type={p.type ?? 'text'} value={p.value} />
  </div>
);

function pageLink(path: string, params: Record<string, string>, cursor: string): string {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  q.set('cursor', cursor);
  return `${path}?${q.toString()}`;
}

export function registerAuditRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  registerAuditVerifyRoutes(web, deps);

  web.get('/nhat-ky', async (c) => {
    const audit = auditOr(c, deps);
    if (!('entries' in audit)) return audit;
    const session = requireSession(c);
    const f = Object.fromEntries(['case', 'actor', 'unit', 'event', 'from', 'to', 'from_seq', 'to_seq'].map((k) => [k, (c.req.query(k) ?? '').trim().slice(0, 100)])) as Record<string, string>;
    const page = await audit.entries(session.actor, {
      case: f['case'] || undefined,
      actor: f['actor'] || undefined,
      unit: f['unit'] || undefined,
      event: f['event'] || undefined,
      from: dayStart(f['from'] ?? ''),
      to: dayStart(f['to'] ?? '', 1),
      from_seq: positive(f['from_seq']),
      to_seq: positive(f['to_seq']),
      limit: 50,
      cursor: c.req.query('cursor') || undefined,
    });
    const access = f['case'] ? await audit.access(session.actor, { case: f['case'], limit: 50 }) : null;
    return c.html(
      <AuditFrame c={c} title="Nhật ký kiểm tra" tab="/nhat-ky">
        <form method="get" action="/nhat-ky" class="card">
          <div class="grid2">
            <Filter id="case" label="Mã định danh hồ sơ (toàn bộ quá trình của một hồ sơ)" value={f['case'] ?? ''} />
            <Filter id="actor" label="Người thực hiện (mã người dùng)" value={f['actor'] ?? ''} />
            <div class="field">
              <label for="unit">Đơn vị (kể cả đơn vị trực thuộc)</label>
              <select id="unit" name="unit">
                <option value="">Tất cả đơn vị</option>
                {deps.units.all().map((u) => (
                  <option value={u.id} selected={u.id === f['unit']}>
                    {u.name}
                  </option>
                ))}
              </select>
            </div>
            <Filter id="event" label="Sự kiện (ví dụ ACCEPT, case.opened)" value={f['event'] ?? ''} />
            <Filter id="from" label="Từ ngày" value={f['from'] ?? ''} type="date" />
            <Filter id="to" label="Đến ngày" value={f['to'] ?? ''} type="date" />
            <Filter id="from_seq" label="Từ số thứ tự" value={f['from_seq'] ?? ''} type="number" />
            <Filter id="to_seq" label="Đến số thứ tự" value={f['to_seq'] ?? ''} type="number" />
          </div>
          <div class="actions">
            <button type="submit">Lọc</button>
            <a class="button secondary" href="/nhat-ky">
              Bỏ lọc
            </a>
          </div>
        </form>
        {page.items.length === 0 ? (
          <p class="card">Không có bản ghi nào khớp bộ lọc.</p>
        ) : (
          <div class="table-wrap">
            <table class="cards" aria-label="Bản ghi nhật ký">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Số
                  </th>
                  <th scope="col">Thời điểm</th>
                  <th scope="col">Người thực hiện</th>
                  <th scope="col">Đơn vị</th>
                  <th scope="col">Hồ sơ</th>
                  <th scope="col">Sự kiện</th>
                  <th scope="col">Trạng thái</th>
                  <th scope="col">Lý do</th>
                  <th scope="col">Mã băm chuỗi</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((v) => {
                  const e = v.entry;
                  return (
                    <tr>
                      <td data-label="Số" class="num">
                        {numberVn(v.seq)}
                      </td>
                      <td data-label="Thời điểm">{dateTimeVn(e.time)}</td>
                      <td data-label="Người thực hiện">{e.actor.id === 'system' ? 'Hệ thống' : `${roleLabel(e.actor.role)} (${e.actor.id})`}</td>
                      <td data-label="Đơn vị">{e.unit ? (deps.units.get(e.unit)?.name ?? e.unit) : ''}</td>
                      <td data-label="Hồ sơ">{e.case_id ? <a href={`/nhat-ky?case=${encodeURIComponent(e.case_id)}`}>{e.case_id}</a> : ''}</td>
                      <td data-label="Sự kiện">
                        {e.event ? (SYSTEM_EVENT_LABELS[e.event] ?? e.event) : e.kind}
                        {e.procedure ? <div class="muted">{e.procedure}</div> : null}
                      </td>
                      <td data-label="Trạng thái">{e.from || e.to ? `${stateText(e.from)} → ${stateText(e.to)}` : ''}</td>
                      <td data-label="Lý do">{e.reason ?? ''}</td>
                      <td data-label="Mã băm chuỗi">
                        <code title={v.chain}>{v.chain.slice(0, 12)}…</code>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager" aria-label="Trang">
          <span />
          {page.next_cursor ? <a href={pageLink('/nhat-ky', f, page.next_cursor)}>Trang sau »</a> : null}
        </nav>
        {access ? (
          <section class="card" aria-labelledby="h-access">
            <h2 id="h-access">Những lần xem hồ sơ này</h2>
            <AccessTable items={access.items} />
          </section>
        ) : null}
      </AuditFrame>,
    );
  });

  web.get('/nhat-ky/truy-cap', async (c) => {
    const audit = auditOr(c, deps);
    if (!('access' in audit)) return audit;
    const session = requireSession(c);
    const caseId = (c.req.query('case') ?? '').trim().slice(0, 100);
    const actor = (c.req.query('actor') ?? '').trim().slice(0, 100);
    const page = await audit.access(session.actor, { case: caseId || undefined, actor: actor || undefined, limit: 50, cursor: c.req.query('cursor') || undefined });
    return c.html(
      <AuditFrame c={c} title="Truy cập hồ sơ" tab="/nhat-ky/truy-cap">
        <p class="muted">Mỗi lần xem chi tiết hoặc xuất hồ sơ đều được ghi lại (Luật Bảo vệ dữ liệu cá nhân).</p>
        <form method="get" action="/nhat-ky/truy-cap" class="card">
          <div class="grid2">
            <Filter id="case" label="Mã định danh hồ sơ" value={caseId} />
            <Filter id="actor" label="Người xem (mã người dùng)" value={actor} />
          </div>
          <button type="submit">Lọc</button>
        </form>
        <AccessTable items={page.items} />
        <nav class="pager" aria-label="Trang">
          <span />
          {page.next_cursor ? <a href={pageLink('/nhat-ky/truy-cap', { case: caseId, actor }, page.next_cursor)}>Trang sau »</a> : null}
        </nav>
      </AuditFrame>,
    );
  });

  web.get('/nhat-ky/diem-kiem-soat', async (c) => {
    const audit = auditOr(c, deps);
    if (!('checkpoints' in audit)) return audit;
    const session = requireSession(c);
    const page = await audit.checkpoints(session.actor, { limit: 20, cursor: c.req.query('cursor') || undefined });
    const latest = page.items[0];
    return c.html(
      <AuditFrame c={c} title="Điểm kiểm soát đã ký" tab="/nhat-ky/diem-kiem-soat">
        <p class="muted">Mỗi điểm kiểm soát là chữ ký Ed25519 trên kích thước, gốc Merkle và mã băm cuối chuỗi của nhật ký. Hãy lưu một điểm kiểm soát bên ngoài hệ thống để phát hiện việc viết lại nhật ký.</p>
        {page.items.length === 0 ? <p class="card">Chưa có điểm kiểm soát nào.</p> : null}
        {page.items.length > 0 ? (
          <div class="table-wrap">
            <table class="cards">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Số bản ghi
                  </th>
                  <th scope="col">Thời điểm ký</th>
                  <th scope="col">Khóa</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((cp) => (
                  <tr>
                    <td data-label="Số bản ghi" class="num">
                      {numberVn(cp.size)}
                    </td>
                    <td data-label="Thời điểm ký">{dateTimeVn(cp.created_at)}</td>
                    <td data-label="Khóa">
                      <code>{cp.key_id ?? ''}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {latest ? (
          <section class="card">
            <h2>Điểm kiểm soát mới nhất</h2>
            <pre class="note">{latest.note}</pre>
          </section>
        ) : null}
        <nav class="pager" aria-label="Trang">
          <span />
          {page.next_cursor ? <a href={`/nhat-ky/diem-kiem-soat?cursor=${encodeURIComponent(page.next_cursor)}`}>Trang sau »</a> : null}
        </nav>
      </AuditFrame>,
    );
  });

  web.get('/nhat-ky/khoa-cong-khai.pem', async (c) => {
    const audit = auditOr(c, deps);
    if (!('publicKey' in audit)) return audit;
    const pem = await audit.publicKey(requireSession(c).actor);
    return c.body(pem, 200, { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'attachment; filename="motcua-audit-public-key.pem"' });
  });

  web.get('/nhat-ky/diem-kiem-soat-moi-nhat.txt', async (c) => {
    const audit = auditOr(c, deps);
    if (!('latestCheckpoint' in audit)) return audit;
    const note = await audit.latestCheckpoint(requireSession(c).actor);
    return c.body(note, 200, { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'attachment; filename="motcua-checkpoint.txt"' });
  });

  web.get('/nhat-ky/tai-xuong', async (c) => {
    const audit = auditOr(c, deps);
    if (!('exportLog' in audit)) return audit;
    const format = c.req.query('format') === 'csv' ? 'csv' : 'jsonl';
    const out = await audit.exportLog(requireSession(c).actor, { format });
    const encoder = new TextEncoder();
    const iterator = out.lines[Symbol.asyncIterator]();
    // Streamed line by line: an export of a million entries never sits in memory.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': out.contentType, 'content-disposition': `attachment; filename="${out.filename}"`, 'cache-control': 'no-store' } });
  });
}

const AccessTable = (p: { items: { id: number; actor_id: string; case_id: string | null; route: string; at: string }[] }) =>
  p.items.length === 0 ? (
    <p class="muted">Chưa có lần truy cập nào được ghi.</p>
  ) : (
    <div class="table-wrap">
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Thời điểm</th>
            <th scope="col">Người xem</th>
            <th scope="col">Hồ sơ</th>
            <th scope="col">Đường dẫn</th>
          </tr>
        </thead>
        <tbody>
          {p.items.map((a) => (
            <tr>
              <td data-label="Thời điểm">{dateTimeVn(a.at)}</td>
              <td data-label="Người xem">{a.actor_id}</td>
              <td data-label="Hồ sơ">{a.case_id ?? ''}</td>
              <td data-label="Đường dẫn">
                <code>{a.route}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
